from sqlalchemy.orm import Session, sessionmaker

from .db import engine


class AuditedSession(Session):
    pass


Legacy = sessionmaker(bind=engine, autocommit=True)
Audited = sessionmaker(bind=engine, class_=AuditedSession)
