"""DDL on a metadata the plan cannot type (a module it does not read), handed an engine that
becomes async: the bind says it is DDL."""

import golden_models
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session


def fresh_count(session: Session):
    engine = create_engine("sqlite://")
    golden_models.Base.metadata.create_all(engine)
    with Session(engine) as other:
        count = other.scalar(select(func.count(golden_models.User.id)))
    golden_models.Base.metadata.drop_all(bind=engine)
    engine.dispose()
    return count


def untouched(session: Session, report):
    # not a bind the plan knows: left as it was
    return report.metadata.create_all(session)
