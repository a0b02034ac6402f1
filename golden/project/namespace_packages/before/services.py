"""Ten modules named ``api`` in namespace packages (no ``__init__.py``): each keeps its own name."""
from sqlalchemy.orm import Session

from app.plugins.audit.db import api as audit_api
from features.addresses.db import api as addresses_api
from features.users.db import api as users_api


def user_summary(db: Session, user_id: int) -> tuple[str, list[str], int]:
    user = users_api.get_user(db, user_id)
    emails = addresses_api.emails_of(db, user_id)
    return user.name, emails, audit_api.count_named(db, user.name)
