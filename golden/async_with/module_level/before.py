from sqlalchemy import create_engine, text

engine = create_engine("sqlite:///./app.db")

with engine.connect() as conn:
    VERSION = conn.execute(text("SELECT sqlite_version()")).scalar()
