from sqlalchemy.orm import Query, Session

from golden_models import Address, User


class Directory:
    def __init__(self, db: Session):
        self.db = db

    def _select_users(self, min_age: int, without_address: bool = False) -> Query:
        # built across branches and statements, handed back un-executed
        db = self.db
        if without_address:
            has_address = (
                db.query(Address.user_id, Address.id.label("address_id"))
                .filter(Address.email.like("%@x.org"))
                .subquery()
            )
            q = db.query(User).outerjoin(has_address, User.id == has_address.c.user_id).filter(
                has_address.c.address_id.is_(None)
            )
        else:
            q = db.query(User).outerjoin(User.addresses)
        q = q.filter(User.age >= min_age)
        return q

    def names(self, min_age: int, without_address: bool = False) -> list[str]:
        try:
            q = self._select_users(min_age, without_address=without_address)
        except Exception:
            return []
        found = []
        for user in q:
            found.append(user.name)
        return sorted(found)

    def oldest(self, min_age: int):
        return self._select_users(min_age).order_by(User.age.desc(), User.id).first()

    def count(self, min_age: int) -> int:
        return self._select_users(min_age, True).count()

    def seniors(self):
        # hands back what another function hands back, built further
        return self._select_users(35).order_by(User.id)


def email_rows(db: Session, user_id: int):
    return db.query(Address.id, Address.email).filter(Address.user_id == user_id)
