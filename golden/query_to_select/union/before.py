from sqlalchemy.orm import Session

from golden_models import Address, User


def alice_or_thirty(db: Session):
    # UNION: the database drops the duplicate user 1.
    return (
        db.query(User)
        .filter(User.name == "alice")
        .union(db.query(User).filter(User.age == 30))
        .order_by(User.id)
        .all()
    )


def all_three(db: Session):
    # UNION ALL returns user 1 twice; the legacy Query de-duplicates the objects.
    q1 = db.query(User).filter(User.name == "alice")
    q2 = db.query(User).filter(User.age == 30)
    q3 = db.query(User).filter(User.id == 2)
    return q1.union_all(q2, q3).all()


def counted(db: Session):
    # count() counts the rows of the compound: 4, duplicates included.
    q1 = db.query(User).filter(User.name == "alice")
    q2 = db.query(User).filter(User.age == 30)
    return q1.union_all(q2).count()


def oldest_over(db: Session, age: int):
    return (
        db.query(User)
        .filter(User.name == "alice")
        .union(db.query(User).filter(User.age == 30))
        .filter(User.age > age)
        .order_by(User.age.desc())
        .first()
    )


def page(db: Session):
    return (
        db.query(User)
        .filter(User.age < 35)
        .union_all(db.query(User).filter(User.name == "alice"))
        .order_by(User.id)
        .offset(1)
        .limit(2)
        .all()
    )


def names(db: Session):
    found = []
    for user in (
        db.query(User).filter(User.id < 3).union_all(db.query(User).filter(User.id > 1))
    ):
        found.append(user.name)
    return found


def same_object(db: Session):
    first = (
        db.query(User)
        .filter(User.id == 1)
        .union(db.query(User).filter(User.id == 2))
        .first()
    )
    return first is db.get(User, first.id)


def ids_in_order(db: Session):
    # An alias cannot be bound in a comprehension's iterable: reported.
    return [u.id for u in db.query(User).union(db.query(User)).order_by(User.id)]


def id_name_rows(db: Session):
    # Columns of one entity: rows, keyed by attribute; UNION ALL keeps user 1 twice.
    rows = (
        db.query(User.id, User.name)
        .filter(User.age == 30)
        .union_all(db.query(User.id, User.name).filter(User.name == "alice"))
        .order_by(User.id)
        .all()
    )
    return [row._asdict() for row in rows]


def ages(db: Session):
    return (
        db.query(User.age)
        .filter(User.id < 3)
        .union(db.query(User.age).filter(User.id > 2))
        .all()
    )


def user_ids(db: Session):
    # Columns of two entities: reported.
    return db.query(User.id).union(db.query(Address.user_id)).all()
