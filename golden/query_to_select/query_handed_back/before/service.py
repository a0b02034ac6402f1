from sqlalchemy.orm import Session

from golden_models import Address, User
from listing import Directory, email_rows


def report(db: Session, min_age: int) -> dict[str, object]:
    directory = Directory(db)
    oldest = directory.oldest(min_age)
    return {
        "names": directory.names(min_age),
        "lonely": directory.names(0, without_address=True),
        "oldest": None if oldest is None else oldest.id,
        "count": directory.count(min_age),
        "alices": [u.id for u in directory._select_users(min_age).filter(User.name == "alice").all()],
        "seniors": [u.name for u in directory.seniors()],
        "emails": [row.email for row in email_rows(db, 1)],
        "last_email": email_rows(db, 1).order_by(Address.id.desc()).first(),
    }
