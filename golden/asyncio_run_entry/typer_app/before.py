import typer
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from golden_models import User

engine = create_engine("sqlite:///app.db")
app = typer.Typer()


def names(db: Session) -> list[str]:
    return list(db.scalars(select(User.name).order_by(User.id)))


def list_names() -> list[str]:
    with Session(engine) as db:
        return names(db)


@app.command()
def show(upper: bool = False) -> None:
    for name in list_names():
        typer.echo(name.upper() if upper else name)


@app.callback()
def main() -> None:
    """Reports."""
