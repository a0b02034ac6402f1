import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

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
app = typer.Typer()


async def names(db: AsyncSession) -> list[str]:
    return list(await db.scalars(select(User.name).order_by(User.id)))


async def list_names() -> list[str]:
    async with AsyncSession(engine, expire_on_commit=False) as db:
        return await names(db)


@app.command()
def show(upper: bool = False) -> None:
    for name in _run_async(list_names()):
        typer.echo(name.upper() if upper else name)


@app.callback()
def main() -> None:
    """Reports."""
