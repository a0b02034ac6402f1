from golden_models import User

try:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session
except ImportError:
    Session = None
    installed = False
else:
    installed = True


def count_users(db: "Session"):
    return db.scalar(select(func.count(User.id)))
