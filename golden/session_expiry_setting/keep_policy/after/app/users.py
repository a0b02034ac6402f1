from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def rename(
    db: AsyncSession, user_id: int, name: str, expires: bool
) -> tuple[bool, str]:
    # The project decides expiry itself (the policy keeps it): carried over to the sync session.
    db.sync_session.expire_on_commit = expires
    user = await db.get(User, user_id)
    user.name = name
    await db.commit()
    return (
        db.sync_session.expire_on_commit,
        user.name if not db.sync_session.expire_on_commit else name,
    )
