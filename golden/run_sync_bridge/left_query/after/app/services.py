from sqlalchemy.ext.asyncio import AsyncSession

from .queries import by_raw_sql, oldest


async def birthday_for_adults(
    db: AsyncSession, minimum_age: int
) -> list[tuple[str, int]]:
    people = await db.run_sync(by_raw_sql, minimum_age)
    for person in people:
        person.age += 1
    await db.commit()
    eldest = await oldest(db)
    return [(p.name, p.age) for p in people] + [(eldest.name, eldest.age)]
