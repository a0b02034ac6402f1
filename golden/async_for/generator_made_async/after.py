from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User
from sqlalchemy import select


async def users_in_pages(db: AsyncSession, size: int):
    offset = 0
    while True:
        page = (
            (
                await db.execute(
                    select(User).order_by(User.id).offset(offset).limit(size)
                )
            )
            .unique()
            .scalars()
            .all()
        )
        if not page:
            return
        yield page
        offset += size


async def page_sizes(db: AsyncSession, size: int):
    sizes = []
    async for page in users_in_pages(db, size):
        sizes.append(len(page))
    return sizes


async def first_names(db: AsyncSession, size: int):
    return [page[0].name async for page in users_in_pages(db, size)]


async def page_of_user(db: AsyncSession, size: int):
    return {u.id: len(page) async for page in users_in_pages(db, size) for u in page}


async def count_pages(db: AsyncSession, size: int):
    return sum(1 for _ in users_in_pages(db, size))
