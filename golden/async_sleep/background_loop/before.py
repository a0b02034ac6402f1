import time
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from golden_models import Address

SessionLocal = sessionmaker()


def purge_once(before: datetime) -> int:
    with SessionLocal() as db:
        result = db.execute(delete(Address).where(Address.id > 100))
        db.commit()
        return result.rowcount


def purge_forever(interval: float = 60.0) -> None:
    while True:
        purge_once(datetime.now() - timedelta(days=30))
        time.sleep(interval)


def wait_a_bit() -> None:
    # Stays sync: no session I/O here, so time.sleep is fine.
    time.sleep(0.1)
