from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

# Sized: more requests than connections queue for one.
engine = create_engine(
    "sqlite:///./app.db", pool_size=2, max_overflow=0, pool_timeout=10
)
SessionLocal = sessionmaker(autoflush=False, bind=engine)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
