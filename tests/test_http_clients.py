"""The plan's HTTP clients: which ``TestClient``s become ``httpx.AsyncClient`` (one event loop)."""

from __future__ import annotations

from sqla_asyncify.names import Callee

from test_plan import build

APP = """
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
SessionLocal = sessionmaker()
app = FastAPI()

def count(db: Session):
    return db.scalar("select 1")
"""

CONFTEST = """
import pytest
from fastapi.testclient import TestClient
from app.main import SessionLocal, app

@pytest.fixture
def client():
    with TestClient(app) as c:
        yield c

@pytest.fixture
def db():
    s = SessionLocal()
    yield s
    s.close()

@pytest.fixture
def make_thing(client):
    def _make(name):
        return client.post("/things", json={"name": name}).json()
    return _make
"""


def test_an_http_only_suite_keeps_its_test_client() -> None:
    plan = build(
        {
            "app.main": APP,
            "tests.conftest": CONFTEST,
            "tests.test_http": "def test_get(client, make_thing):\n    make_thing('a')\n    assert client.get('/').status_code == 200\n",
        }
    )
    assert plan.http_clients == set()
    assert plan.classify("tests.test_http.test_get", Callee("client", ("get",))).kind == "http-sync"
    assert not plan.becomes_async("tests.test_http.test_get")
    assert not plan.becomes_async("tests.conftest.client")


def test_a_test_using_the_db_converts_the_clients_it_reaches_through_fixtures() -> None:
    plan = build(
        {
            "app.main": APP,
            "tests.conftest": CONFTEST,
            "tests.test_both": (
                "from app.main import count\n"
                "def test_both(db, make_thing):\n    make_thing('a')\n    assert count(db) == 1\n"
                "def test_http(client):\n    assert client.get('/').status_code == 200\n"
            ),
        }
    )
    assert plan.http_clients == {"tests.conftest.client:c"}
    # the fixture enters the client with ``async with``; requests on it are awaited, so their
    # senders become async: the factory's closure, and every test on the same client
    assert plan.becomes_async("tests.conftest.client")
    assert plan.becomes_async("tests.conftest.make_thing._make")
    assert plan.classify("tests.test_both.test_http", Callee("client", ("get",))).kind == "http-io"
    assert plan.becomes_async("tests.test_both.test_http")
    assert not plan.becomes_async("tests.conftest.make_thing")  # returns the (now async) closure


def test_the_nearest_conftest_fixture_is_the_one_converted() -> None:
    plan = build(
        {
            "app.main": APP,
            "tests.__init__": "",
            "tests.conftest": CONFTEST,
            "tests.unit.__init__": "",
            "tests.unit.conftest": (
                "import pytest\nfrom fastapi.testclient import TestClient\nfrom app.main import app\n"
                "@pytest.fixture\ndef client():\n    return TestClient(app)\n"
            ),
            "tests.unit.test_unit": "from app.main import count\ndef test_unit(db, client):\n    assert count(db) == 1\n",
            "tests.test_http": "def test_get(client):\n    assert client.get('/').status_code == 200\n",
        }
    )
    assert plan.http_clients == {"tests.unit.conftest.client:<return>"}
    assert not plan.becomes_async("tests.test_http.test_get")
    assert not plan.becomes_async("tests.unit.conftest.client")  # a plain ``return``: no ``async with``


def test_a_test_called_as_a_helper_decides_its_client_from_its_fixture() -> None:
    # ``test_post`` is collected by pytest with the conftest's ``client`` (a client the plan cannot
    # follow: yielded from a helper) and called by ``test_read`` with a client it builds itself
    plan = build(
        {
            "app.main": APP,
            "tests.conftest": (
                "import pytest\nfrom fastapi.testclient import TestClient\nfrom app.main import SessionLocal, app\n"
                "def open_client():\n    with TestClient(app) as c:\n        yield c\n"
                "@pytest.fixture\ndef client():\n    yield from open_client()\n"
                "@pytest.fixture\ndef db():\n    s = SessionLocal()\n    yield s\n    s.close()\n"
            ),
            "tests.test_post": "def test_post(client, url='/'):\n    assert client.post(url).status_code == 200\n",
            "tests.test_read": (
                "from fastapi.testclient import TestClient\nfrom app.main import app, count\nfrom tests import test_post\n"
                "def test_read(db):\n    c = TestClient(app)\n    assert count(db) == 0\n"
                "    test_post.test_post(c, '/x')\n    assert c.get('/').status_code == 200\n"
            ),
        }
    )
    assert plan.becomes_async("tests.test_read.test_read")
    assert plan.http_clients == set()
    assert "test_post" in plan.kept_http_clients["tests.test_read.test_read:c"]
    assert not plan.becomes_async("tests.test_post.test_post")
    assert plan.classify("tests.test_post.test_post", Callee("client", ("post",))).kind != "http-io"


def test_a_client_handed_to_a_constructor_converts_what_the_object_sends() -> None:
    case = (
        "from fastapi.testclient import TestClient\n"
        "from app.main import count\n"
        "class Case:\n"
        "    def __init__(self, db, client: TestClient):\n"
        "        self.db = db\n"
        "        self.client = client\n"
        "    def get_all(self):\n"
        "        return self.client.get('/things')\n"
        "class SubCase(Case):\n"
        "    pass\n"
        "def test_case(db, client):\n"
        "    case_type: type[Case] = SubCase\n"
        "    case = case_type(db, client)\n"
        "    assert count(db) == 1\n"
        "    assert case.get_all().status_code == 200\n"
    )
    plan = build({"app.main": APP, "tests.conftest": CONFTEST, "tests.test_case": case})
    assert "tests.test_case.Case.__init__:client" in plan.http_clients
    # ``self.client`` is the converted client: its request is awaited, the sender async
    assert plan.classify("tests.test_case.Case.get_all", Callee("self", ("client", "get"))).kind == "http-io"
    assert plan.becomes_async("tests.test_case.Case.get_all")
