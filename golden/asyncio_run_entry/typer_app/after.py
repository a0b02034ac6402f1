import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from golden_models import User
import asyncio

engine = create_async_engine("sqlite+aiosqlite:///app.db")
app = typer.Typer()


async def names(db: AsyncSession) -> list[str]:
    return list(await db.scalars(select(User.name).order_by(User.id)))


async def list_names() -> list[str]:
    async with AsyncSession(engine, expire_on_commit=False) as db:
        return await names(db)


@app.command()
def show(upper: bool = False) -> None:
    for name in asyncio.run(list_names()):
        typer.echo(name.upper() if upper else name)


@app.callback()
def main() -> None:
    """Reports."""
