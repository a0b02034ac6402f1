from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import func, select


async def page(db: AsyncSession, page: int, size: int):
    return (
        (
            await db.execute(
                select(User)
                .order_by(User.age.desc(), User.id)
                .offset((page - 1) * size)
                .limit(size)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def page_with_total(db: AsyncSession, page: int, size: int):
    q = select(User).where(User.age >= 25)
    total = await db.scalar(select(func.count()).select_from(q.subquery()))
    items = (
        (await db.execute(q.order_by(User.id).offset(page * size).limit(size)))
        .unique()
        .scalars()
        .all()
    )
    return total, items


async def distinct_names(db: AsyncSession):
    return (await db.execute(select(User.name).distinct().order_by(User.name))).all()
