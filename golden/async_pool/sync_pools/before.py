import psycopg2
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool, QueuePool, SingletonThreadPool


def connect():
    return psycopg2.connect("dbname=app")


main = create_engine("postgresql://u@h/app", poolclass=QueuePool, pool_size=20)
tests = create_engine("sqlite://", poolclass=SingletonThreadPool)
workers = create_engine("postgresql://u@h/app", poolclass=NullPool)
custom = create_engine("postgresql://u@h/app", creator=connect)
