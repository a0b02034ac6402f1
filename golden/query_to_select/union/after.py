from sqlalchemy.orm import aliased, Session
from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import Address, User
from sqlalchemy import func, select, union, union_all


async def alice_or_thirty(db: AsyncSession):
    # UNION: the database drops the duplicate user 1.
    return (
        (
            await db.execute(
                select(
                    user_union := aliased(
                        User,
                        union(
                            select(User).where(User.name == "alice"),
                            select(User).where(User.age == 30),
                        ).subquery(),
                    )
                ).order_by(user_union.id)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def all_three(db: AsyncSession):
    # UNION ALL returns user 1 twice; the legacy Query de-duplicates the objects.
    q1 = select(User).where(User.name == "alice")
    q2 = select(User).where(User.age == 30)
    q3 = select(User).where(User.id == 2)
    return (
        (await db.execute(select(aliased(User, union_all(q1, q2, q3).subquery()))))
        .unique()
        .scalars()
        .all()
    )


async def counted(db: AsyncSession):
    # count() counts the rows of the compound: 4, duplicates included.
    q1 = select(User).where(User.name == "alice")
    q2 = select(User).where(User.age == 30)
    return await db.scalar(
        select(func.count()).select_from(
            select(aliased(User, union_all(q1, q2).subquery())).subquery()
        )
    )


async def oldest_over(db: AsyncSession, age: int):
    return (
        (
            await db.execute(
                select(
                    user_union := aliased(
                        User,
                        union(
                            select(User).where(User.name == "alice"),
                            select(User).where(User.age == 30),
                        ).subquery(),
                    )
                )
                .where(user_union.age > age)
                .order_by(user_union.age.desc())
                .limit(1)
            )
        )
        .scalars()
        .first()
    )


async def page(db: AsyncSession):
    return (
        (
            await db.execute(
                select(
                    user_union := aliased(
                        User,
                        union_all(
                            select(User).where(User.age < 35),
                            select(User).where(User.name == "alice"),
                        ).subquery(),
                    )
                )
                .order_by(user_union.id)
                .offset(1)
                .limit(2)
            )
        )
        .unique()
        .scalars()
        .all()
    )


async def names(db: AsyncSession):
    found = []
    for user in (
        (
            await db.execute(
                select(
                    aliased(
                        User,
                        union_all(
                            select(User).where(User.id < 3),
                            select(User).where(User.id > 1),
                        ).subquery(),
                    )
                )
            )
        )
        .unique()
        .scalars()
    ):
        found.append(user.name)
    return found


async def same_object(db: AsyncSession):
    first = (
        (
            await db.execute(
                select(
                    aliased(
                        User,
                        union(
                            select(User).where(User.id == 1),
                            select(User).where(User.id == 2),
                        ).subquery(),
                    )
                ).limit(1)
            )
        )
        .scalars()
        .first()
    )
    return first is await db.get(User, first.id)


def ids_in_order(db: Session):
    # An alias cannot be bound in a comprehension's iterable: reported.
    return [u.id for u in db.query(User).union(db.query(User)).order_by(User.id)]


async def id_name_rows(db: AsyncSession):
    # Columns of one entity: rows, keyed by attribute; UNION ALL keeps user 1 twice.
    rows = (
        await db.execute(
            select(
                (
                    user_union := aliased(
                        User,
                        union_all(
                            select(User.id, User.name).where(User.age == 30),
                            select(User.id, User.name).where(User.name == "alice"),
                        ).subquery(),
                    )
                ).id,
                user_union.name,
            ).order_by(user_union.id)
        )
    ).all()
    return [row._asdict() for row in rows]


async def ages(db: AsyncSession):
    return (
        await db.execute(
            select(
                aliased(
                    User,
                    union(
                        select(User.age).where(User.id < 3),
                        select(User.age).where(User.id > 2),
                    ).subquery(),
                ).age
            )
        )
    ).all()


def user_ids(db: Session):
    # Columns of two entities: reported.
    return db.query(User.id).union(db.query(Address.user_id)).all()
