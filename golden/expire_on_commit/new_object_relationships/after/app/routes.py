from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User


async def create(db: AsyncSession, name: str) -> list:
    user = User(name=name, age=20)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    # Never assigned: the sync read lazy-loads the (empty) collection.
    return [a.email for a in user.addresses]


async def create_flushed(db: AsyncSession, name: str) -> int:
    user = User(name=name, age=21)
    db.add(user)
    await db.flush()
    db.add(Address(email="late@x.org", user_id=user.id))
    # Staged after the flush: the sync lazy load autoflushes it first and sees it.
    return len(user.addresses)


async def create_returned(db: AsyncSession, name: str) -> User:
    user = User(name=name, age=22)
    db.add(user)
    await db.flush()
    await db.refresh(user)
    # A response model may read any relationship of the returned object.
    return user


async def with_addresses(db: AsyncSession, name: str) -> int:
    user = User(name=name, age=23, addresses=[Address(email="n@x.org")])
    db.add(user)
    await db.commit()
    return len(user.addresses)


async def appended(db: AsyncSession, name: str) -> list:
    user = User(name=name, age=24)
    user.addresses.append(Address(email="m@x.org"))
    db.add(user)
    await db.commit()
    return [a.email for a in user.addresses]
