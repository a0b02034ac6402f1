import contextlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


@contextlib.contextmanager
def age_check(db: AsyncSession, name: str):
    # The check queries on its first call, and is handed out as a value, not called here.
    ages = None

    async def _check(age: int) -> bool | None:
        nonlocal ages
        if ages is None:
            stmt = select(User.age).where(User.name == name)
            ages = set((await db.execute(stmt)).scalars().all())
        if not ages:
            return None
        return age in ages

    yield _check


async def first_verdict(
    db: AsyncSession, names: tuple[str, ...], age: int
) -> bool | None:
    # The managers are entered on one stack; the checks they give are called through a list.
    managers = [age_check(db, name) for name in names]
    with contextlib.ExitStack() as stack:
        checks = [stack.enter_context(manager) for manager in managers]
        for check in checks:
            verdict = await check(age)
            if verdict is not None:
                return verdict
    return None


async def verdict_of(db: AsyncSession, name: str, age: int) -> bool | None:
    manager = age_check(db, name)
    with contextlib.ExitStack() as stack:
        check = stack.enter_context(manager)
        return await check(age)


async def verdict_now(db: AsyncSession, name: str, age: int) -> bool | None:
    with contextlib.ExitStack() as stack:
        check = stack.enter_context(age_check(db, name))
        return await check(age)
