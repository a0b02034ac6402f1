from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


def adults(db: Session, minimum_age: int) -> list[User]:
    return (
        db.query(User)
        .from_statement(text("SELECT * FROM users WHERE age >= :age ORDER BY id"))
        .params(age=minimum_age)
        .all()
    )


async def adult_names(db: AsyncSession, minimum_age: int) -> list[str]:
    people = await db.run_sync(
        lambda sync_session: adults(minimum_age=minimum_age, db=sync_session)
    )
    for person in people:
        person.age += 1
    await db.commit()
    return [p.name for p in people]
