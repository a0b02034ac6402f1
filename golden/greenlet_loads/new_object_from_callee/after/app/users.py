from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address, User


async def create_user(db: AsyncSession, name: str) -> User:
    user = User(name=name, age=20)
    db.add(user)
    await db.commit()
    await db.refresh(user)
    return user


async def register(db: AsyncSession, name: str) -> list[str]:
    user = await create_user(db, name)
    await db.run_sync(lambda _: user.addresses)
    user.addresses.append(Address(email=f"{name}@x.org"))
    user.addresses.append(Address(email=f"{name}@y.org"))
    await db.commit()
    await db.run_sync(lambda _: user.addresses)
    return [a.email for a in user.addresses]
