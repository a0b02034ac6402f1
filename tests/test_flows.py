"""Issue 12 class 2: a converted factory's sessions never reach sync code.

Each shape of session wiring below is migrated, then checked as a second run would see it
(``flows.half_converted``): no function left sync may still do I/O on a converted session or
engine; then it is run on aiosqlite and must have written its row. ``MODELS`` gives every project
the same model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sqla_asyncify.flows import half_converted
from sqla_asyncify.pipeline import RunConfig, run

MODELS = """
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
"""

SHAPES: dict[str, dict[str, str]] = {
    "contextmanager_helper": {
        "app/db.py": """
            from contextlib import contextmanager
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))

            @contextmanager
            def session_scope():
                db = SessionLocal()
                try:
                    yield db
                    db.commit()
                finally:
                    db.close()
            """,
        "app/jobs.py": """
            from .db import session_scope
            from .models import User

            def add(user_id):
                with session_scope() as db:
                    db.add(User(id=user_id))
            """,
    },
    "factory_tuple_unpacked_at_module_level": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            def make_db(url):
                engine = create_engine(url)
                return sessionmaker(bind=engine), engine

            SessionLocal, engine = make_db("sqlite:///./app.db")
            """,
        "app/jobs.py": """
            from .db import SessionLocal
            from .models import User

            def add(user_id):
                db = SessionLocal()
                db.add(User(id=user_id))
                db.commit()
                db.close()
            """,
    },
    "global_set_by_an_init_function": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = None

            def init_db(url):
                global SessionLocal
                SessionLocal = sessionmaker(bind=create_engine(url))

            init_db("sqlite:///./app.db")
            """,
        "app/jobs.py": """
            from app import db
            from .models import User

            def add(user_id):
                session = db.SessionLocal()
                session.add(User(id=user_id))
                session.commit()
                session.close()
            """,
    },
    "module_attribute_sessionmaker": {
        "app/db_setup.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "app/jobs.py": """
            from app import db_setup
            from .models import User

            def add(user_id):
                db = db_setup.SessionLocal()
                db.add(User(id=user_id))
                db.commit()
                db.close()
            """,
    },
    "factory_stored_in_a_list": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "app/jobs.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker
            from .db import SessionLocal
            from .models import User

            def file_adder(user_id):
                Session = sessionmaker(bind=create_engine("sqlite:///./app.db"))

                def insert(row):
                    with Session() as db:
                        db.add(row)
                        db.commit()

                with Session() as db:
                    if db.get(User, user_id) is None:
                        _run(insert, User(id=user_id))

            def _run(step, row):
                step(row)

            ADDERS = [(file_adder, "file")]

            def add(user_id):
                for adder, _ in ADDERS:
                    adder(user_id)

            def count():
                with SessionLocal() as db:
                    return db.query(User).count()
            """,
    },
    "factories_in_fixture_params": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            def setup(url="sqlite:///./app.db"):
                engine = create_engine(url)
                SessionLocal = sessionmaker(bind=engine)

                def get_db():
                    db = SessionLocal()
                    try:
                        yield db
                        db.commit()
                    finally:
                        db.close()

                return engine, get_db
            """,
        "app/factories.py": """
            from .db import setup
            from .models import Base, User

            def sqlite_factory(user_id):
                engine, get_db = setup()
                Base.metadata.create_all(bind=engine)
                for db in get_db():
                    db.add(User(id=user_id))
                return "sqlite"

            def memory_factory(user_id):
                return "memory"

            FACTORIES = [(sqlite_factory, 1), (memory_factory, 2)]
            """,
        "tests/conftest.py": """
            import pytest
            from app.factories import *

            def serve(name, factory):
                yield name, factory.__name__

            @pytest.fixture(params=FACTORIES)
            def built(request):
                factory, user_id = request.param
                yield from serve(factory(user_id), factory)
            """,
        "tests/test_factories.py": """
            def test_built(built):
                name, factory = built
                assert factory.startswith(name)
            """,
    },
    "client_handed_to_a_helper_it_cannot_convert": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            engine = create_engine("sqlite:///./app.db")
            SessionLocal = sessionmaker(bind=engine)
            """,
        "app/main.py": """
            from fastapi import Depends, FastAPI
            from sqlalchemy.orm import Session

            from .db import SessionLocal, engine
            from .models import Base, User

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            def create_app():
                Base.metadata.create_all(bind=engine)
                app = FastAPI()

                @app.post("/users/{user_id}")
                def add_user(user_id: int, db: Session = Depends(get_db)):
                    db.add(User(id=user_id))
                    db.commit()
                    return {"id": user_id}

                @app.get("/users/{user_id}")
                def read_user(user_id: int, db: Session = Depends(get_db)):
                    return {"found": db.get(User, user_id) is not None}

                return app
            """,
        "tests/__init__.py": "",
        "tests/helpers.py": """
            def post_user(client, user_id):
                response = client.post(f"/users/{user_id}")
                assert response.status_code == 200, response.text
                return response.json()
            """,
        "tests/test_users.py": """
            from fastapi.testclient import TestClient

            from app.main import create_app
            from tests.helpers import post_user

            def test_add():
                client = TestClient(create_app())
                assert post_user(client, 1) == {"id": 1}
                assert client.get("/users/1").json() == {"found": True}
            """,
    },
    "query_handed_to_a_pagination_helper": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "app/dao.py": """
            from sqlalchemy.orm import Session
            from .models import User

            def paginate(query, skip, limit):
                return query.order_by(None).count(), query.offset(skip).limit(limit).all()

            class Dao:
                def __init__(self, db: Session):
                    self.db = db

                def add_user(self, user_id):
                    self.db.add(User(id=user_id))
                    self.db.commit()

                def users(self, skip, limit):
                    query = self.db.query(User).order_by(User.id)
                    return paginate(query, skip, limit)
            """,
        "app/jobs.py": """
            from .dao import Dao
            from .db import SessionLocal

            def add(user_id):
                db = SessionLocal()
                try:
                    dao = Dao(db)
                    dao.add_user(user_id)
                    total, users = dao.users(0, 10)
                    assert total == 1 and [u.id for u in users] == [user_id]
                finally:
                    db.close()
            """,
    },
    "functions_in_parametrize_values": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "app/main.py": """
            from fastapi import Depends, FastAPI
            from sqlalchemy.orm import Session

            from .db import SessionLocal
            from .models import User

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            app = FastAPI()

            @app.post("/users/{user_id}")
            def add_user(user_id: int, db: Session = Depends(get_db)):
                db.add(User(id=user_id))
                db.commit()
                return {"id": user_id}

            @app.get("/users/{user_id}")
            def read_user(user_id: int, db: Session = Depends(get_db)):
                return {"found": db.get(User, user_id) is not None}
            """,
        "tests/conftest.py": """
            import pytest
            from fastapi.testclient import TestClient

            from app.db import SessionLocal
            from app.main import app

            @pytest.fixture
            def client():
                return TestClient(app)

            @pytest.fixture
            def db():
                session = SessionLocal()
                yield session
                session.close()
            """,
        "tests/test_users.py": """
            import pytest
            from app.models import User

            def post_path(client, user_id):
                return client.post(f"/users/{user_id}")

            def post_json(client, user_id):
                return client.post(f"/users/{user_id}", json={})

            @pytest.mark.parametrize("post, user_id", [(post_path, 1), (post_json, 2)])
            def test_post(client, post, user_id):
                assert post(client, user_id).json() == {"id": user_id}

            def test_read(client, db):
                db.add(User(id=3))
                db.commit()
                assert client.get("/users/3").json() == {"found": True}
            """,
    },
    "test_module_without_imports": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "app/main.py": """
            from fastapi import Depends, FastAPI
            from sqlalchemy.orm import Session

            from .db import SessionLocal
            from .models import User

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            app = FastAPI()

            @app.post("/users/{user_id}")
            def add_user(user_id: int, db: Session = Depends(get_db)):
                db.add(User(id=user_id))
                db.commit()
                return {"id": user_id}
            """,
        "tests/conftest.py": """
            import pytest
            from fastapi.testclient import TestClient

            from app.db import SessionLocal
            from app.main import app

            @pytest.fixture
            def client():
                return TestClient(app)

            @pytest.fixture
            def db():
                session = SessionLocal()
                yield session
                session.close()
            """,
        "tests/test_read.py": """
            from app.models import User

            def test_read(client, db):
                assert db.get(User, 2) is None
                assert client.post("/users/2").json() == {"id": 2}
            """,
        # no import: pytest hands it the conftest's client, which converts for test_read
        "tests/test_post.py": """
            def test_post(client):
                assert client.post("/users/1").json() == {"id": 1}
            """,
    },
    "test_called_as_a_helper_with_a_fixture_client": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "app/main.py": """
            from fastapi import Depends, FastAPI
            from sqlalchemy.orm import Session

            from .db import SessionLocal
            from .models import User

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            app = FastAPI()

            @app.post("/users/{user_id}")
            def add_user(user_id: int, db: Session = Depends(get_db)):
                db.add(User(id=user_id))
                db.commit()
                return {"id": user_id}
            """,
        "tests/conftest.py": """
            import pytest
            from fastapi.testclient import TestClient

            from app.db import SessionLocal
            from app.main import app

            def open_client():
                with TestClient(app) as c:
                    yield c

            @pytest.fixture
            def client():
                yield from open_client()

            @pytest.fixture
            def db():
                session = SessionLocal()
                yield session
                session.close()
            """,
        # collected by pytest with the conftest's client, and called by test_read with its own
        "tests/test_post.py": """
            def test_post(client, user_id=2):
                assert client.post(f"/users/{user_id}").json() == {"id": user_id}
            """,
        "tests/test_read.py": """
            from fastapi.testclient import TestClient

            from app.main import app
            from app.models import User
            from tests import test_post

            def test_read(db):
                assert db.get(User, 1) is None
                client = TestClient(app)
                test_post.test_post(client, 1)
                assert client.post("/users/3").json() == {"id": 3}
            """,
    },
    "untyped_fixture_parameter": {
        "app/db.py": """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            SessionLocal = sessionmaker(bind=create_engine("sqlite:///./app.db"))
            """,
        "tests/conftest.py": """
            import pytest
            from app.db import SessionLocal

            @pytest.fixture
            def db():
                session = SessionLocal()
                yield session
                session.close()
            """,
        "tests/test_users.py": """
            from app.models import User

            def test_add(db):
                db.add(User(id=1))
                db.commit()
            """,
    },
}


#: What runs the migrated shape: ``module:function`` called with user id 1 (awaited when it is a
#: coroutine function), or ``pytest`` (the project's own tests). Either way user 1 must exist after.
RUNS = {
    "client_handed_to_a_helper_it_cannot_convert": "pytest",
    "contextmanager_helper": "app.jobs:add",
    "factories_in_fixture_params": "pytest",
    "factory_stored_in_a_list": "app.jobs:add",
    "factory_tuple_unpacked_at_module_level": "app.jobs:add",
    "functions_in_parametrize_values": "pytest",
    "global_set_by_an_init_function": "app.jobs:add",
    "test_module_without_imports": "pytest",
    "test_called_as_a_helper_with_a_fixture_client": "pytest",
    "module_attribute_sessionmaker": "app.jobs:add",
    "query_handed_to_a_pagination_helper": "app.jobs:add",
    "untyped_fixture_parameter": "pytest",
}

_RUNNER = """
import asyncio, importlib, inspect, sys
from sqlalchemy import create_engine, text
from app.models import Base
engine = create_engine("sqlite:///./app.db")
Base.metadata.create_all(engine)
target = sys.argv[1]
if target == "pytest":
    import pytest
    assert pytest.main(["-q", "-p", "no:cacheprovider", "tests"]) == 0
else:
    module, _, name = target.partition(":")
    result = getattr(importlib.import_module(module), name)(1)
    if inspect.iscoroutine(result):
        asyncio.run(result)
with engine.connect() as conn:
    assert conn.execute(text("select count(*) from users where id = 1")).scalar() == 1
"""


def _execute(root: Path, target: str) -> None:
    """Run the migrated project on aiosqlite, in a fresh interpreter (its own imports)."""
    (root / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = session\n")
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, target], cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_no_converted_session_reaches_sync_code(shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    files = {"app/__init__.py": "", "app/models.py": MODELS, **SHAPES[shape]}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))
    monkeypatch.chdir(root)
    result = run(RunConfig(paths=(root,), cache=False, jobs=1))
    assert not result.errors, [e.error for e in result.errors]
    assert result.changed, "the shape must be migrated, not left alone"
    assert [str(f) for f in half_converted(result, root)] == []
    emit = {o.path: o.updated for o in result.changed}
    for path, data in emit.items():
        path.write_bytes(data)
    _execute(root, RUNS[shape])
