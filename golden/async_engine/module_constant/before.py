import os

import sqlalchemy as sa
from sqlalchemy import create_engine as make_engine, text

# Where the data lives.
DATABASE_URL = f"sqlite:///{os.environ.get('DB_PATH', './app.db')}"
REPORTING_URL: str = "postgresql+psycopg2://reports@db/reports"

engine = make_engine(DATABASE_URL)
reporting = sa.create_engine(REPORTING_URL, pool_pre_ping=True)
PING = text("SELECT 1")
