from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
Scoped = scoped_session(sessionmaker(bind=engine))
ScopedByName = scoped_session(SessionLocal)
Opaque = scoped_session(lambda: None)
