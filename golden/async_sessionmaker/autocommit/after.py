from sqlalchemy.orm import Session
from sqlalchemy.ext.asyncio import async_sessionmaker

from .db import engine


class AuditedSession(Session):
    pass


Legacy = async_sessionmaker(bind=engine, autocommit=True, expire_on_commit=False)
Audited = async_sessionmaker(bind=engine, class_=AuditedSession, expire_on_commit=False)
