from sqlalchemy.orm import Query, Session

from golden_models import User


def paginate(query: Query, skip: int, limit: int) -> dict:
    # takes any query: its rows or objects, as the query's select list decides
    total = query.order_by(None).count()
    query = query.offset(skip)
    if limit >= 0:
        query = query.limit(limit)
    return {"total": total, "items": query.all()}


def _sort(query, field: str):
    return query.order_by(getattr(User, field).asc(), User.id.asc())


class UserRepo:
    db: Session

    def __init__(self, db: Session):
        self.db = db

    def get(self, user_id: int) -> User | None:
        return self.db.query(User).filter(User.id == user_id).first()

    def page(self, skip: int, limit: int, name: str | None = None, order_by: str = "age"):
        query = self.db.query(User)
        if name:
            query = query.filter(User.name == name)
        query = _sort(query, order_by)
        return paginate(query, skip, limit)

    def name_page(self, skip: int, limit: int):
        query = self.db.query(User.name, User.age).filter(User.age >= 30)
        return paginate(query, skip, limit)

    def rename_all(self, old: str, new: str) -> int:
        query = self.db.query(User).filter(User.name == old)
        renamed = paginate(query, 0, -1)["items"]
        for user in renamed:
            user.name = new
        self.db.commit()
        return len(renamed)

    def summary(self) -> tuple[int, str]:
        total = self.page(0, 1)["total"]
        return total, self.get(1).name


def first_page(db: Session, limit: int):
    repo = UserRepo(db)
    page = repo.page(0, limit)
    names = UserRepo(db).name_page(1, limit)
    return [(u.id, u.name) for u in page["items"]], page["total"], names, repo.get(3)


def rename_and_count(db: Session) -> tuple[int, int]:
    repo = UserRepo(db)
    renamed = repo.rename_all("alice", "alicia")
    return renamed, repo.page(0, 10, name="alicia")["total"]
