from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///test.db")
SessionLocal = async_sessionmaker(bind=engine, expire_on_commit=False)
