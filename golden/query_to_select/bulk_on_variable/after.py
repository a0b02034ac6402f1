from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import delete, func, select, update


async def rename_or_add(session: AsyncSession, name, new_name, upsert):
    existing = select(User).where(User.name == name).where(User.age == 30)
    user = (await session.execute(existing.limit(1))).scalars().first()
    if user is None:
        session.add(User(name=new_name, age=1))
    elif upsert:
        await session.execute(
            update(User)
            .where(existing.whereclause)
            .values({"name": new_name})
            .execution_options(synchronize_session="evaluate")
        )
    await session.commit()
    return user is None


async def drop_addresses(session: AsyncSession, user_id):
    mine = select(Address).where(Address.user_id == user_id)
    mine = mine.where(Address.email != "")
    found = await session.scalar(select(func.count()).select_from(mine.subquery()))
    deleted = (
        await session.execute(
            delete(Address)
            .where(mine.whereclause)
            .execution_options(synchronize_session=False)
        )
    ).rowcount
    return found, deleted


def joined_left(session: Session, name):
    q = session.query(User).join(User.addresses).filter(User.name == name)
    n = q.count()
    q.delete()
    return n
