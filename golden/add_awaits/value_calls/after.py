"""Functions made async reach calls as values: looked up in a dict of actions, or run by a worker
whose class the plan cannot tell. Those calls await what they get only when it is a coroutine."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def _await_if_coroutine(value):
    """Await value if it is a coroutine (of a function made async, handed here
    as a value), else return it as it is (what a sync function handed the same
    way returned). Added by asyncify.
    """
    import inspect

    if inspect.iscoroutine(value):
        return await value
    return value


async def rename_all(db: AsyncSession, suffix: str):
    for user in await db.scalars(select(User).order_by(User.id)):
        user.name = user.name + suffix
    await db.flush()
    return await db.scalar(select(func.count(User.id)).where(User.name.endswith(suffix)))


def greet(db: AsyncSession, suffix: str):
    return "hello" + suffix


ACTIONS = {"rename": rename_all, "greet": greet}


async def run_action(db: AsyncSession, name: str, suffix: str):
    action = ACTIONS[name]
    result = await _await_if_coroutine(action(db, suffix))
    await db.commit()
    return result


class Inline:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def execute(self, name, suffix):
        return await run_action(self.db, name, suffix)


class Recorder:
    def execute(self, name, suffix):
        return f"recorded {name}"


async def dispatch(db: AsyncSession, name: str, suffix: str, inline: bool):
    worker = Inline(db) if inline else Recorder()
    outcome = await _await_if_coroutine(worker.execute(name, suffix))
    return outcome, await db.scalar(select(func.count(User.id)).where(User.name.endswith(suffix)))
