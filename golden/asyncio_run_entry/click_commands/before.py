import click
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from golden_models import User

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def count_users(db: Session, min_age: int) -> int:
    return db.scalar(select(func.count()).select_from(User).where(User.age >= min_age))


def add_user(name: str, age: int) -> int:
    with SessionLocal() as db:
        user = User(name=name, age=age)
        db.add(user)
        db.commit()
        return user.id


def summary(min_age: int) -> str:
    with SessionLocal() as db:
        return f"{count_users(db, min_age)} users aged {min_age}+"


@click.group()
def cli() -> None:
    """Admin commands: click calls them synchronously, so they stay sync."""


@cli.command()
@click.option("--min-age", default=0)
def count(min_age: int) -> None:
    click.echo(summary(min_age))


@cli.command("add-user")
@click.argument("name")
@click.argument("age", type=int)
def add_user_command(name: str, age: int) -> None:
    user_id = add_user(name, age)
    click.echo(f"added {name} as {user_id}")


@click.command()
def standalone() -> None:
    click.echo(summary(30))


def banner() -> str:
    return "no database here"
