from sqlalchemy.ext.asyncio import AsyncSession

from .models import Address


async def add_address(db: AsyncSession, user_id: int, email: str) -> tuple[str, str]:
    address = Address(email=email, user_id=user_id)
    db.add(address)
    await db.commit()
    await db.refresh(address)
    return address.email, address.owner_name
