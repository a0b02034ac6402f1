from sqlalchemy.orm import sessionmaker

from .db import engine

Kept = sessionmaker(bind=engine, expire_on_commit=True)
Off = sessionmaker(engine, expire_on_commit=False)
