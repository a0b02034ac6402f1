from sqlalchemy import text
from sqlalchemy.orm import Session

from . import brute


class Matcher:
    def __init__(self, db: Session):
        self.db = db

    def find_unit(self, s):
        return self.db.execute(text("select 1")).scalar() == 1


class Brute:
    def __init__(self, db: Session):
        self.db = db
        self.matcher = Matcher(db)

    def parse_one(self, x):
        return brute.parse(x, self).unit

    def unit_of(self, x):
        return brute.unit(x, self)
