from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_engine("sqlite:///./app.db", connect_args={"check_same_thread": False})
async_engine = create_async_engine(
    "sqlite+aiosqlite:///./app.db", connect_args={"check_same_thread": False}
)
SessionLocal = sessionmaker(bind=engine)
AsyncSessionLocal = async_sessionmaker(bind=async_engine, expire_on_commit=False)


@event.listens_for(engine, "connect")
def _foreign_keys(dbapi_connection, connection_record):
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def get_db():  # asyncify: keep-sync -- the reporting plugin iterates it synchronously
    with SessionLocal() as db:
        try:
            yield db
            db.commit()
        except Exception:
            db.rollback()
            raise


async def get_async_db():
    async with AsyncSessionLocal() as db:
        try:
            yield db
            await db.commit()
        except Exception:
            await db.rollback()
            raise
