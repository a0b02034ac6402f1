from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from listing import Directory, email_rows


async def report(db: AsyncSession, min_age: int) -> dict[str, object]:
    directory = Directory(db)
    oldest = await directory.oldest(min_age)
    return {
        "names": await directory.names(min_age),
        "lonely": await directory.names(0, without_address=True),
        "oldest": None if oldest is None else oldest.id,
        "count": await directory.count(min_age),
        "alices": [u.id for u in (await directory.db.execute((await directory._select_users(min_age)).where(User.name == "alice"))).unique().scalars().all()],
        "seniors": [u.name for u in (await directory.db.execute(await directory.seniors())).unique().scalars()],
        "emails": [row.email for row in await db.execute(await email_rows(db, 1))],
        "last_email": (await db.execute((await email_rows(db, 1)).order_by(Address.id.desc()).limit(1))).first(),
    }
