from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///./app.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)


@event.listens_for(engine.sync_engine, "connect")
def enable_foreign_keys(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def log_checkout(*args):
    print("checkout")


event.listen(engine.sync_engine, "checkout", log_checkout)
event.listen(SessionLocal, "after_commit", lambda session: None)
other = object()
event.listen(other, "whatever", log_checkout)
