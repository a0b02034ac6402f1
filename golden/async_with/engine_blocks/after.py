from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine("sqlite+aiosqlite:///./app.db")


async def ping():
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT 1"))).scalar_one()


async def bump(user_id):
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE users SET age = age + 1 WHERE id = :id"), {"id": user_id})


async def manual(user_id):
    async with engine.connect() as conn:
        async with conn.begin():
            await conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": user_id})
        await conn.commit()


async def shutdown():
    await engine.dispose()
