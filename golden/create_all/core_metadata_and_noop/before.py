from sqlalchemy import Column, Integer, MetaData, Table, create_engine

from .cache import registry

engine = create_engine("sqlite://")
metadata = MetaData()
users = Table("users", metadata, Column("id", Integer, primary_key=True))


async def startup():
    metadata.create_all(engine)
    registry.create_all(engine)


async def teardown(bind):
    metadata.drop_all(bind)
