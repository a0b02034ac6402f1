import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from golden_models import User


def _run_async(coro):
    """Run coro on a new event loop as asyncio.run does, but leave this thread's
    current event loop as it was (asyncio.run sets it to None). Called where a loop
    runs (sync code called from async code), run it in a worker thread, blocking
    this one as the sync original did. Added by asyncify.
    """
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        import concurrent.futures
        import contextvars

        context = contextvars.copy_context()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(context.run, _run_async, coro).result()
    if not hasattr(asyncio, "Runner"):  # Python < 3.11
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        return runner.run(coro)


engine = create_async_engine("sqlite+aiosqlite:///app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)


async def count_users(db: AsyncSession, min_age: int) -> int:
    return await db.scalar(
        select(func.count()).select_from(User).where(User.age >= min_age)
    )


async def add_user(name: str, age: int) -> int:
    async with SessionLocal() as db:
        user = User(name=name, age=age)
        db.add(user)
        await db.commit()
        return user.id


async def summary(min_age: int) -> str:
    async with SessionLocal() as db:
        return f"{await count_users(db, min_age)} users aged {min_age}+"


@click.group()
def cli() -> None:
    """Admin commands: click calls them synchronously, so they stay sync."""


@cli.command()
@click.option("--min-age", default=0)
def count(min_age: int) -> None:
    click.echo(_run_async(summary(min_age)))


@cli.command("add-user")
@click.argument("name")
@click.argument("age", type=int)
def add_user_command(name: str, age: int) -> None:
    user_id = _run_async(add_user(name, age))
    click.echo(f"added {name} as {user_id}")


@click.command()
def standalone() -> None:
    click.echo(_run_async(summary(30)))


def banner() -> str:
    return "no database here"
