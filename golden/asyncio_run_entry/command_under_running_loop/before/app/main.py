import typer
from fastapi import Depends, FastAPI
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine)
cli = typer.Typer()
app = FastAPI()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def add_user(name: str) -> int:
    with SessionLocal() as db:
        user = User(name=name, age=0)
        db.add(user)
        db.commit()
        return user.id


@cli.command()
def add(name: str) -> int:
    return add_user(name)


def add_through_command(name: str) -> int:
    # Sync code between async code and the command: an event loop runs where the command runs.
    return add(name)


@app.post("/users")
def create(name: str, db: Session = Depends(get_db)) -> dict[str, int]:
    new_id = add_through_command(name)
    return {"id": new_id, "count": db.scalar(select(func.count(User.id)))}
