from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def get_user(db: AsyncSession, user_id: int) -> User:
    return await db.get(User, user_id)
