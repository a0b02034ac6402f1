import os

from sqlalchemy import create_engine

# Sized, the URL known only at run time: the helper checks the pool when it exists.
events = create_engine(os.environ["EVENTS_URL"], max_overflow=5)
# Left: SQLAlchemy's defaults, unbounded, no pool, an in-memory database.
default = create_engine("postgresql://app@db/app")
unbounded = create_engine("postgresql://app@db/app", pool_size=10, max_overflow=-1)
no_limit = create_engine("postgresql://app@db/app", pool_size=0)
memory = create_engine("sqlite://", pool_size=3)
