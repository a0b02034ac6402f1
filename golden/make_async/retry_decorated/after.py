from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import retry, stop_after_attempt

from golden_models import User


# tenacity's @retry wraps coroutine functions with AsyncRetrying: it keeps working once async.
@retry(stop=stop_after_attempt(3), reraise=True)
async def load_user(db: AsyncSession, user_id: int) -> User | None:
    return await db.get(User, user_id)


async def user_name(db: AsyncSession, user_id: int) -> str | None:
    user = await load_user(db, user_id)
    return user.name if user else None


async def names(db: AsyncSession) -> list[str]:
    return list(await db.scalars(select(User.name).order_by(User.id)))
