"""Reflection inside a transaction block: the engine's Inspector
(``Inspector.from_engine``) and an in-place ``inspect(engine)`` read the schema,
and the tables found are dropped in the block; tables reflected with ``autoload_with``
an engine (inside and outside its block) and a connection."""

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.orm import Session
from sqlalchemy.schema import DropTable, MetaData, Table


def drop_all(db: Session):
    engine = create_engine(db.get_bind().url)
    with engine.begin() as connection:
        inspector = Inspector.from_engine(engine)
        meta = MetaData()
        tables = []
        references = []
        for table_name in sorted(inspector.get_table_names()):
            for fkey in inspector.get_foreign_keys(table_name):
                references.append((table_name, fkey["referred_table"]))
            tables.append(Table(table_name, meta))
        if inspect(engine).has_table("users"):
            for table in tables:
                connection.execute(DropTable(table))
    remaining = inspect(engine).get_table_names()
    engine.dispose()
    return [t.name for t in tables], references, remaining


def reflected_columns(db: Session):
    engine = create_engine(db.get_bind().url)
    with engine.connect() as connection:
        users = Table("users", MetaData(), autoload_with=engine)
        addresses = Table("addresses", MetaData(), autoload_with=connection)
    again = Table("users", MetaData(), autoload_with=engine)
    engine.dispose()
    return [[c.name for c in t.columns] for t in (users, addresses, again)]
