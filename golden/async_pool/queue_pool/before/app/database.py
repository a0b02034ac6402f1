from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

engine = create_engine(
    "sqlite:///./app.db",
    poolclass=QueuePool,
    pool_size=1,
    max_overflow=0,
    pool_timeout=5,
    pool_pre_ping=True,
)
SessionLocal = sessionmaker(autoflush=False, bind=engine)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
