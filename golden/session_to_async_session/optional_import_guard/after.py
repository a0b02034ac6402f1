from golden_models import User

try:
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession
except ImportError:
    AsyncSession = None
    Session = None
    installed = False
else:
    installed = True


async def count_users(db: "AsyncSession"):
    return await db.scalar(select(func.count(User.id)))
