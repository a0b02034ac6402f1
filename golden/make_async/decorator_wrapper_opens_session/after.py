import functools

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from golden_models import User

engine = create_async_engine("sqlite+aiosqlite:///app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)


# The wrapper opens the session it hands the functions it decorates, which take it unannotated:
# its call types it. Made async for its commit, the wrapper awaits them, so each becomes async with
# it (ping too, with no I/O of its own), and their callers await them.
def with_session(fn):
    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        db = SessionLocal()
        try:
            result = await fn(db, *args, **kwargs)
            await db.commit()
            return result
        finally:
            await db.close()

    return wrapper


@with_session
async def rename(db, user_id: int, name: str) -> str:
    user = await db.get(User, user_id)
    user.name = name
    return user.name


@with_session
async def ping(db) -> str:
    return "pong"


async def handle_rename(user_id: int) -> list:
    return [await rename(user_id, "renamed"), await ping()]
