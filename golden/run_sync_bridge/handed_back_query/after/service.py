from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from repo import UserRepo


async def names_over(db: AsyncSession, age: int) -> list[str]:
    repo = UserRepo(db)
    names = []
    for user in await repo.db.run_sync(lambda sync_session: list(repo.older_than(age))):
        names.append(user.name)
    return names


async def first_named(db: AsyncSession, name: str) -> int | None:
    user = await db.run_sync(
        lambda sync_session: UserRepo(db)
        .older_than(0)
        .filter(User.name == name)
        .first()
    )
    return None if user is None else user.id


async def count_over(db: AsyncSession, age: int) -> int:
    repo = UserRepo(db)
    return await repo.db.run_sync(lambda sync_session: repo.older_than(age).count())


async def summary(db: AsyncSession) -> dict[str, object]:
    repo = UserRepo(db)
    second = await repo.db.run_sync(lambda sync_session: repo.older_than(20)[1])
    return {
        "second": second.name,
        "ids": [
            u.id
            for u in await repo.db.run_sync(
                lambda sync_session: repo.older_than(20).all()
            )
        ],
        "emails": list(
            enumerate(row.email for row in await repo.db.execute(await repo.emails(1)))
        ),
        "sorted": sorted(await repo.db.execute(await repo.emails(2))),
        "oldest": (await repo.get(4)).name,
    }


async def adults(db: AsyncSession):
    # the query itself leaves: its SQL would run outside the bridge
    return UserRepo(db).older_than(17)
