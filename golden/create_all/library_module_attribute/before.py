import sqlalchemy

metadata = sqlalchemy.MetaData()
notes = sqlalchemy.Table("notes", metadata, sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True))


def create_tables(db):
    engine = sqlalchemy.create_engine("sqlite://")
    metadata.drop_all(engine)
    metadata.create_all(engine)
    engine.dispose()
    return sorted(metadata.tables)
