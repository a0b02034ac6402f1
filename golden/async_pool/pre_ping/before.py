import os

from sqlalchemy import create_engine

PRIMARY_URL = "postgresql+psycopg2://app@db/app"
PING = True

# One round trip: PostgreSQL, whose async driver is asyncpg.
primary = create_engine(PRIMARY_URL, pool_size=20, pool_pre_ping=True)
reports = create_engine(url="postgresql://db/rep", pool_pre_ping=True, pool_size=5)
# Known at run time only; asyncpg if it names PostgreSQL (the helper decides at run time).
replica = create_engine(os.environ["REPLICA_URL"], pool_pre_ping=True)
# Reported: not the literal True.
staging = create_engine("postgresql://db/staging", pool_pre_ping=PING)

# Left: another database, psycopg 3 (its ping is one statement), no ping.
cache = create_engine("sqlite:///./cache.db", pool_pre_ping=True)
events = create_engine("postgresql+psycopg://app@db/events", pool_pre_ping=True)
audit = create_engine("postgresql://app@db/audit", pool_pre_ping=False)
