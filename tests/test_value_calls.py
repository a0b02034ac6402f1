"""awaited-if-coroutine: calls of values that may be functions made async are awaited when what
they return is a coroutine — only where a function made async is handed away as a value the plan
cannot follow, and only on calls of values (never on calls the plan resolves)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

HELPER = "await _await_if_coroutine("


def run(files: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], set[str]]:
    sources = {"app/__init__.py": "", "app/models.py": MODELS, **files}
    out, report = migrate({k: textwrap.dedent(v).encode() for k, v in sources.items()}, tmp_path / "run")
    return {k: v.decode() for k, v in out.items()}, report


def test_a_pickled_function_called_after_loading_is_awaited_if_a_coroutine(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/jobs.py": """\
                import pickle
                from sqlalchemy.orm import Session
                from app.models import Job

                def purge(db: Session):
                    db.query(Job).delete()

                def submit(db: Session):
                    db.add(Job(id=1))
                    return pickle.dumps(purge)

                def run_blob(db: Session, blob: bytes):
                    job = pickle.loads(blob)
                    job(db)
                    db.commit()
                """,
        },
        tmp_path,
    )
    assert f"{HELPER}job(db))" in out["app/jobs.py"]
    assert "async def _await_if_coroutine(value):" in out["app/jobs.py"]
    assert "app/jobs.py:14 awaited-if-coroutine" in report  # the call
    assert "app/jobs.py:10 awaited-if-coroutine" in report  # the hand-off


def test_a_parameter_handed_async_and_sync_functions_awaits_what_is_a_coroutine(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/steps.py": """\
                from sqlalchemy.orm import Session
                from app.models import Job

                def count(db: Session):
                    return db.query(Job).count()

                def label(db: Session):
                    return "jobs"

                def step(db: Session, fn):
                    value = fn(db)
                    db.commit()
                    return value

                def both(db: Session):
                    return step(db, count), step(db, label)
                """,
        },
        tmp_path,
    )
    steps = out["app/steps.py"]
    assert f"value = {HELPER}fn(db))" in steps
    assert "return await step(db, count), await step(db, label)" in steps
    assert {"app/steps.py:11 awaited-if-coroutine", "app/steps.py:16 awaited-if-coroutine"} <= report


def test_without_a_function_made_async_handed_away_value_calls_stay_as_they_are(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/steps.py": """\
                from sqlalchemy.orm import Session
                from app.models import Job

                def label(db: Session):
                    return "jobs"

                def step(db: Session, fn):
                    value = fn(db)
                    db.commit()
                    return value

                def run_label(db: Session):
                    return step(db, label)
                """,
        },
        tmp_path,
    )
    assert "value = fn(db)" in out["app/steps.py"]
    assert "_await_if_coroutine" not in out["app/steps.py"]
    assert not any(r.endswith("awaited-if-coroutine") for r in report)


def test_a_method_on_an_untyped_receiver_is_awaited_if_one_of_that_name_is_made_async(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/workers.py": """\
                from sqlalchemy.orm import Session
                from app.models import Job

                class InlineWorker:
                    def __init__(self, db: Session):
                        self.db = db

                    def execute(self, job_id):
                        self.db.add(Job(id=job_id))
                        self.db.commit()

                class NullWorker:
                    def execute(self, job_id):
                        return None

                class Supervisor:
                    def __init__(self, worker):
                        self.worker = worker

                    def dispatch(self, db: Session, job_id):
                        worker = self.worker
                        outcome = worker.execute(job_id)
                        db.commit()
                        return outcome
                """,
        },
        tmp_path,
    )
    workers = out["app/workers.py"]
    assert f"outcome = {HELPER}worker.execute(job_id))" in workers
    assert "app/workers.py:22 awaited-if-coroutine" in report


def test_a_function_handed_to_a_library_call_is_not_a_hand_off(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/api.py": """\
                from fastapi import Depends, FastAPI
                from sqlalchemy.orm import Session
                from app.models import Job

                app = FastAPI()

                def get_db():
                    yield None

                def count(db: Session = Depends(get_db)):
                    return db.query(Job).count()

                app.add_api_route("/count", count)

                def call(db: Session, fn):
                    return fn(db)
                """,
        },
        tmp_path,
    )
    assert "return fn(db)" in out["app/api.py"]
    assert not any(r.endswith("awaited-if-coroutine") for r in report)


def test_the_helper_awaits_coroutines_only() -> None:
    import asyncio

    from sqla_asyncify.codemods.entry_runner import AWAIT_HELPER, AWAIT_HELPER_SOURCE

    namespace: dict[str, object] = {}
    exec(AWAIT_HELPER_SOURCE, namespace)
    helper = namespace[AWAIT_HELPER]

    async def made_async() -> str:
        return "ran"

    class Startable:  # an awaitable that is no coroutine (``AsyncConnection``): awaiting starts it
        started = False

        def __await__(self):  # type: ignore[no-untyped-def]
            self.started = True
            yield from ()
            return self

    async def main() -> tuple[object, bool, object]:
        startable = Startable()
        passed = await helper(startable)  # type: ignore[operator]
        return await helper(made_async()), passed is startable and not startable.started, await helper(7)  # type: ignore[operator]

    assert asyncio.run(main()) == ("ran", True, 7)


def test_a_function_handed_to_a_parameter_only_named_is_not_a_hand_off(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/labels.py": """\
                from sqlalchemy.orm import Session
                from app.models import Job

                def count(db: Session):
                    return db.query(Job).count()

                def label(impl):
                    return impl.__name__

                def call(db: Session, fn):
                    return fn(db)

                def both(db: Session):
                    return label(count), count(db)
                """,
        },
        tmp_path,
    )
    assert "return fn(db)" in out["app/labels.py"]
    assert "return label(count), await count(db)" in out["app/labels.py"]
    assert not any(r.endswith("awaited-if-coroutine") for r in report)


def test_a_method_name_of_one_class_only_is_no_protocol(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/titles.py": """\
                from sqlalchemy.orm import Session
                from app.models import Job

                class Page:
                    def __init__(self, db: Session):
                        self.db = db

                    def title(self):
                        return str(self.db.query(Job).count())

                def shout(db: Session, name):
                    db.commit()
                    return name.title()
                """,
        },
        tmp_path,
    )
    assert "return name.title()" in out["app/titles.py"]
    assert not any(r.endswith("awaited-if-coroutine") for r in report)


def test_a_function_handed_to_a_decorator_whose_wrapper_calls_it_is_a_hand_off(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/tasks.py": """\
                from functools import wraps
                from sqlalchemy.orm import Session
                from app.models import Job

                def count(db: Session):
                    return db.query(Job).count()

                def logged(func):
                    @wraps(func)
                    def wrapper(*args):
                        print("running", func.__name__)
                        return func(*args)
                    return wrapper

                def schedule(db: Session):
                    task = logged(count)
                    db.commit()
                    return task
                """,
        },
        tmp_path,
    )
    assert "app/tasks.py:16 awaited-if-coroutine" in report  # the hand-off to `logged`


def test_a_function_handed_to_a_fixtures_worker_is_a_hand_off_and_the_worker_awaits_it(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/workers.py": """\
                from sqlalchemy.orm import Session

                def job_wrapper(func, db: Session):
                    func(db)
                    db.commit()

                class InlineWorker:
                    def __init__(self, db: Session):
                        self.db = db

                    def execute(self, func):
                        return job_wrapper(func, self.db)
                """,
            "tests/__init__.py": "",
            "tests/test_workers.py": """\
                import pytest
                from sqlalchemy.orm import Session
                from app.models import Job

                @pytest.fixture(params=["inline_worker"])
                def any_worker(request):
                    return request.getfixturevalue(request.param)

                def add_job(db: Session):
                    db.add(Job(id=5))
                    db.flush()

                def test_execute(any_worker, db: Session):
                    any_worker.execute(add_job)
                    assert db.query(Job).count() == 1
                """,
        },
        tmp_path,
    )
    assert f"{HELPER}func(db))" in out["app/workers.py"]
    assert "tests/test_workers.py:14 awaited-if-coroutine" in report


STORES = """\
    from sqlalchemy.orm import Session
    from app.models import Job

    class Dao:
        def __init__(self, db: Session):
            self.db = db

        def create_channel(self, name):
            self.db.add(Job(id=len(name)))
            self.db.commit()

    class DiskStore:
        def create_channel(self, name):
            return name

        def add_file(self, name, data):
            return data

    class MemoryStore:
        def __init__(self):
            self.files = {}

        def create_channel(self, name):
            self.files[name] = {}

        def add_file(self, name, data):
            self.files[name] = data
    """


def test_a_method_of_a_class_lacking_another_method_called_on_the_receiver_is_not_taken(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/stores.py": STORES
            + """
    def fill(db: Session, store, name):
        store.create_channel(name)
        store.add_file(name, b"x")
        db.commit()

    def only_create(db: Session, store, name):
        store.create_channel(name)
        db.commit()
    """,
        },
        tmp_path,
    )
    stores = out["app/stores.py"]
    # ``Dao`` has no ``add_file``: ``store`` holds a store, whose ``create_channel`` stays sync
    assert "    store.create_channel(name)\n    store.add_file(" in stores
    # nothing else is called on it: it may be a ``Dao``, awaited if what it returns is a coroutine
    assert f"{HELPER}store.create_channel(name))\n    await db.commit()" in stores
    assert "app/stores.py:30 awaited-if-coroutine" not in report
    assert "app/stores.py:35 awaited-if-coroutine" in report


def test_a_fixture_value_is_typed_by_what_every_request_of_it_calls(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/stores.py": STORES,
            "tests/__init__.py": "",
            "tests/conftest.py": """\
                import pytest
                from app.stores import DiskStore, MemoryStore

                @pytest.fixture
                def disk():
                    return DiskStore()

                @pytest.fixture
                def memory():
                    return MemoryStore()

                @pytest.fixture(params=["disk", "memory"])
                def any_store(request):
                    return request.getfixturevalue(request.param)
                """,
            "tests/test_stores.py": """\
                from sqlalchemy.orm import Session
                from app.models import Job

                def test_create_twice(any_store):
                    any_store.create_channel("a")
                    any_store.create_channel("a")

                def test_add(any_store, db: Session):
                    any_store.create_channel("b")
                    any_store.add_file("b", b"x")
                    assert db.query(Job).count() == 0
                """,
        },
        tmp_path,
    )
    tests = out["tests/test_stores.py"]
    assert "async def test_add" in tests
    assert HELPER not in tests
    assert '    any_store.create_channel("a")\n    any_store.create_channel("a")' in tests
    assert not any(r.startswith("tests/test_stores.py") and r.endswith("awaited-if-coroutine") for r in report)


def test_a_class_that_may_have_the_other_method_is_still_taken(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/stores.py": STORES.replace(
                "    class DiskStore:",
                "    class Mirrored(Dao):\n        def __init__(self, db: Session, sink):\n"
                "            super().__init__(db)\n            self.add_file = sink\n\n    class DiskStore:",
            )
            + """
    def fill(db: Session, store, name):
        store.create_channel(name)
        store.add_file(name, b"x")
        db.commit()
    """,
        },
        tmp_path,
    )
    # ``Mirrored`` instances get ``add_file`` in ``__init__``: the receiver may be one
    assert f"{HELPER}store.create_channel(name))" in out["app/stores.py"]


def test_a_receiver_the_code_probes_is_not_typed_by_its_calls(tmp_path: Path) -> None:
    out, _ = run(
        {
            "app/stores.py": STORES
            + """
    def fill(db: Session, store, name):
        store.create_channel(name)
        if hasattr(store, "add_file"):
            store.add_file(name, b"x")
        db.commit()
    """,
        },
        tmp_path,
    )
    # ``hasattr``: the code expects objects without ``add_file`` too, a ``Dao`` among them
    assert f"{HELPER}store.create_channel(name))" in out["app/stores.py"]


def test_a_class_binding_the_other_name_in_its_body_is_still_taken(tmp_path: Path) -> None:
    out, _ = run(
        {
            "app/stores.py": STORES.replace(
                "    class DiskStore:",
                "    def _sink(self, name, data):\n        return data\n\n"
                "    class Mirrored(Dao):\n        add_file = _sink\n\n    class DiskStore:",
            )
            + """
    def fill(db: Session, store, name):
        store.create_channel(name)
        store.add_file(name, b"x")
        db.commit()
    """,
        },
        tmp_path,
    )
    # ``Mirrored`` (a ``Dao``) binds ``add_file`` in its class body: the receiver may be one
    assert f"{HELPER}store.create_channel(name))" in out["app/stores.py"]


def test_an_attribute_of_self_is_typed_by_the_calls_of_its_class_unless_set_in_several_methods(tmp_path: Path) -> None:
    dispatcher = """
    class Dispatcher:
        def __init__(self, store):
            self.store = store

        def fill(self, db: Session, name):
            self.store.create_channel(name)
            db.commit()

        def publish(self, name):
            return self.store.add_file(name, b"x")
    """
    out, _ = run({"app/stores.py": STORES + dispatcher}, tmp_path / "once")
    assert "        self.store.create_channel(name)\n" in out["app/stores.py"]  # ``Dao`` has no ``add_file``
    swapped = dispatcher + """
        def swap(self, store):
            self.store = store
    """
    out, _ = run({"app/stores.py": STORES + swapped}, tmp_path / "twice")
    assert f"{HELPER}self.store.create_channel(name))" in out["app/stores.py"]
