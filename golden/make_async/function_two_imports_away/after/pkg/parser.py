from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from . import brute


class Matcher:
    def __init__(self, db: AsyncSession):
        self.db = db

    async def find_unit(self, s):
        return (await self.db.execute(text("select 1"))).scalar() == 1


class Brute:
    def __init__(self, db: AsyncSession):
        self.db = db
        self.matcher = Matcher(db)

    async def parse_one(self, x):
        return (await brute.parse(x, self)).unit

    async def unit_of(self, x):
        return await brute.unit(x, self)
