from sqlalchemy.orm import Session

from golden_models import User


def users_in_pages(db: Session, size: int):
    offset = 0
    while True:
        page = db.query(User).order_by(User.id).offset(offset).limit(size).all()
        if not page:
            return
        yield page
        offset += size


def page_sizes(db: Session, size: int):
    sizes = []
    for page in users_in_pages(db, size):
        sizes.append(len(page))
    return sizes


def first_names(db: Session, size: int):
    return [page[0].name for page in users_in_pages(db, size)]


def page_of_user(db: Session, size: int):
    return {u.id: len(page) for page in users_in_pages(db, size) for u in page}


def count_pages(db: Session, size: int):
    return sum(1 for _ in users_in_pages(db, size))
