"""Functions handed to a thread pool, a thread or a process run there synchronously: those made
async are handed through a sync helper that runs their coroutine on a new loop where they run."""

import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Process

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from golden_models import User


def add_user(engine, name: str) -> int:
    with Session(engine) as db:
        db.add(User(name=name, age=50))
        db.commit()
        return db.scalar(select(func.count(User.id)))


def shout(name: str) -> str:
    return name.upper()


def add_in_pool(db: Session, name: str):
    with ThreadPoolExecutor(max_workers=1) as pool:
        added = pool.submit(add_user, db.bind, name).result()
        return [added, pool.submit(shout, name).result()]


def add_in_thread(db: Session, name: str):
    worker = threading.Thread(target=add_user, args=(db.bind, name))
    worker.start()
    worker.join()
    return sorted(db.scalars(select(User.name)))


def add_in_process(url: str, name: str) -> Process:
    return Process(target=add_user, args=(url, name))


class Batch:
    """A project's own `submit`: what it does with the function is its own business."""

    def __init__(self) -> None:
        self.jobs: list = []

    def submit(self, fn, *args) -> int:
        self.jobs.append((fn, args))
        return len(self.jobs)


def queue_later(url: str, name: str) -> int:
    batch = Batch()
    return batch.submit(add_user, url, name)
