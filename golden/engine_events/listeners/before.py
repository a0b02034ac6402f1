from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./app.db")
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


@event.listens_for(engine, "connect")
def enable_foreign_keys(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def log_checkout(*args):
    print("checkout")


event.listen(engine, "checkout", log_checkout)
event.listen(SessionLocal, "after_commit", lambda session: None)
other = object()
event.listen(other, "whatever", log_checkout)
