from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def from_statement(db: AsyncSession):
    return db.query(User).from_statement(text("SELECT * FROM users")).all()


async def streamed(db: AsyncSession):
    return [u.id for u in db.query(User).yield_per(2)]


async def last_user(db: AsyncSession):
    return db.query(User).order_by(User.id)[-1]


async def textual(db: AsyncSession):
    return db.query(User).filter(text("age > 26")).all()


async def string_join(db: AsyncSession):
    return db.query(User).join("addresses").all()


async def unknown_entity(db: AsyncSession, model):
    return db.query(model).first()


async def returned(db: AsyncSession):
    return db.query(User).filter(User.age > 26)


async def nested_in_unsupported(db: AsyncSession):
    return (
        db.query(User)
        .filter(User.id.in_(db.query(User.id)))
        .from_statement(text("SELECT * FROM users"))
        .all()
    )
