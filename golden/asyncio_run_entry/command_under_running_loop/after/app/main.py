import typer
from fastapi import Depends, FastAPI
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


engine = create_async_engine("sqlite+aiosqlite:///./app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)
cli = typer.Typer()
app = FastAPI()


async def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        await db.close()


async def add_user(name: str) -> int:
    async with SessionLocal() as db:
        user = User(name=name, age=0)
        db.add(user)
        await db.commit()
        return user.id


@cli.command()
def add(name: str) -> int:
    return _run_async(add_user(name))


def add_through_command(name: str) -> int:
    # Sync code between async code and the command: an event loop runs where the command runs.
    return add(name)


@app.post("/users")
async def create(name: str, db: AsyncSession = Depends(get_db)) -> dict[str, int]:
    new_id = add_through_command(name)
    return {"id": new_id, "count": await db.scalar(select(func.count(User.id)))}
