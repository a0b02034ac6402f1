import contextlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


@contextlib.contextmanager
def age_check(db: Session, name: str):
    # The check queries on its first call, and is handed out as a value, not called here.
    ages = None

    def _check(age: int) -> bool | None:
        nonlocal ages
        if ages is None:
            stmt = select(User.age).where(User.name == name)
            ages = set(db.execute(stmt).scalars().all())
        if not ages:
            return None
        return age in ages

    yield _check


def first_verdict(db: Session, names: tuple[str, ...], age: int) -> bool | None:
    # The managers are entered on one stack; the checks they give are called through a list.
    managers = [age_check(db, name) for name in names]
    with contextlib.ExitStack() as stack:
        checks = [stack.enter_context(manager) for manager in managers]
        for check in checks:
            verdict = check(age)
            if verdict is not None:
                return verdict
    return None


def verdict_of(db: Session, name: str, age: int) -> bool | None:
    manager = age_check(db, name)
    with contextlib.ExitStack() as stack:
        check = stack.enter_context(manager)
        return check(age)


def verdict_now(db: Session, name: str, age: int) -> bool | None:
    with contextlib.ExitStack() as stack:
        check = stack.enter_context(age_check(db, name))
        return check(age)
