"""Inspection of a connection: in place, and through a variable whose Inspector caches its answers."""

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session


def inspected(db: Session, table: str):
    engine = create_engine(db.get_bind().url)
    with engine.connect() as conn:
        before = inspect(conn).get_table_names()
        insp = inspect(conn)
        columns = [c["name"] for c in insp.get_columns(table)]
        cached = insp.get_table_names()
        conn.execute(text("create table extra (id integer)"))
        # the variable's Inspector answers from its cache: the table created since is not there
        still_cached = insp.get_table_names()
        fresh = inspect(conn).get_table_names()
        conn.execute(text("drop table extra"))
        conn.commit()
    engine.dispose()
    return before, columns, cached, still_cached, fresh
