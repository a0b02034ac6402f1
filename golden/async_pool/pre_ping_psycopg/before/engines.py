import os

from sqlalchemy import create_engine

# psycopg 3 is the configured PostgreSQL driver: its ping is one statement, nothing to report.
primary = create_engine("postgresql://app@db/app", pool_pre_ping=True)
replica = create_engine(os.environ["REPLICA_URL"], pool_pre_ping=True)
