"""Ten modules named ``api`` in namespace packages (no ``__init__.py``): each keeps its own name."""
from sqlalchemy.ext.asyncio import AsyncSession

from app.plugins.audit.db import api as audit_api
from features.addresses.db import api as addresses_api
from features.users.db import api as users_api


async def user_summary(db: AsyncSession, user_id: int) -> tuple[str, list[str], int]:
    user = await users_api.get_user(db, user_id)
    emails = await addresses_api.emails_of(db, user_id)
    return user.name, emails, await audit_api.count_named(db, user.name)
