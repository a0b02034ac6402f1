from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def rename_keeping_loaded(
    db: AsyncSession, user_id: int, name: str
) -> tuple[bool, str]:
    # The caller's session expires on commit; this unit of work keeps what it loaded.
    db.sync_session.expire_on_commit = False
    user = await db.get(User, user_id)
    user.name = name
    await db.commit()
    return db.sync_session.expire_on_commit, user.name
