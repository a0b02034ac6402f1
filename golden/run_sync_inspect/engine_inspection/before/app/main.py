from fastapi import Depends, FastAPI
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@app.get("/schema")
def schema(db: Session = Depends(get_db)) -> dict:
    users = db.scalar(select(func.count()).select_from(User))
    insp: Inspector = inspect(engine)
    tables = insp.get_table_names()
    columns = [c["name"] for c in insp.get_columns("users")]
    return {
        "users": users,
        "tables": tables,
        "columns": columns,
        "missing": inspect(engine).has_table("missing"),
    }


@app.get("/tables")
def tables() -> list[str]:
    return inspect(engine).get_table_names()
