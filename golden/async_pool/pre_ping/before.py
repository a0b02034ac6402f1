import os

from sqlalchemy import create_engine

PRIMARY_URL = "postgresql+psycopg2://app@db/app"

# Reported: PostgreSQL, whose async driver is asyncpg.
primary = create_engine(PRIMARY_URL, pool_size=20, pool_pre_ping=True)
reports = create_engine(url="postgresql://db/rep", pool_pre_ping=True)
# Reported: known at run time only; asyncpg if it names PostgreSQL.
replica = create_engine(os.environ["REPLICA_URL"], pool_pre_ping=True)

# Not reported: another database, psycopg 3 (its ping is one statement), no ping.
cache = create_engine("sqlite:///./cache.db", pool_pre_ping=True)
events = create_engine("postgresql+psycopg://app@db/events", pool_pre_ping=True)
audit = create_engine("postgresql://app@db/audit", pool_pre_ping=False)
