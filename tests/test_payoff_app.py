"""The payoff bench's app (``bench/payoff/``): its variants are generated, and the migrated one serves.

The heavy measurement (PostgreSQL, uvicorn, load) stays in ``bench/payoff/run.py``; this is the slice
CI can afford: the three variants come out of the one sync source, and the app ``asyncify apply``
wrote answers every endpoint on aiosqlite exactly as the sync app does on sqlite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "payoff"
sys.path.insert(0, str(BENCH))

import variants  # noqa: E402

# Seeds a small data set with the sync variant's models, then requests every endpoint (the write
# first, so the reads see it) through TestClient; prints the answers as JSON.
CLIENT = r"""
import json, os, sys
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
seed_url = sys.argv[1]
from fastapi.testclient import TestClient
import app.models as m
from app.main import app
engine = create_engine(seed_url)
m.Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add_all([m.User(id=i, email=f"u{i}@x", name=f"U{i}") for i in (1, 2, 3)])
    s.add_all([m.Item(id=i, owner_id=1 + i % 3, title=f"t{i}", category=f"c{i % 2}", price=float(i), stock=i) for i in range(1, 9)])
    s.add_all([m.Review(id=i, item_id=i, author_id=1 + (i + 1) % 3, rating=1 + i % 5, body="ok") for i in range(1, 6)])
    s.commit()
engine.dispose()
with TestClient(app) as client:
    answers = [
        client.patch("/items/3", json={"stock": 99}).json(),
        client.get("/users/2").json(),
        client.get("/users/404").status_code,
        client.get("/items", params={"category": "c1", "min_price": 2, "limit": 3}).json(),
        client.get("/stats/top-sellers", params={"category": "c1"}).json(),
    ]
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return variants.build(tmp_path_factory.mktemp("payoff") / "variants", cleaned=True)


def test_three_variants_from_one_source(built: dict[str, Path]) -> None:
    sync_main = (built["sync"] / "app" / "main.py").read_text()
    blocking_main = (built["blocking"] / "app" / "main.py").read_text()
    migrated = {p.name: p.read_text() for p in (built["migrated"] / "app").glob("*.py")}
    assert sync_main == (BENCH / "app" / "main.py").read_text()
    # blocking: the routes and nothing else are async, over the sync Session
    assert blocking_main == sync_main.replace("\ndef ", "\nasync def ")
    assert (built["blocking"] / "app" / "crud.py").read_text() == (BENCH / "app" / "crud.py").read_text()
    # migrated: the tool's output, with its report beside it
    assert "create_async_engine(" in migrated["database.py"] and "async def read_user(" in migrated["main.py"]
    assert "await db.execute(select(User)" in migrated["crud.py"]
    # DATABASE_URL is read at run time: converted there (the environment keeps its sync URL), not reported.
    assert "_async_database_url(" in migrated["database.py"]
    assert "dynamic-url" not in variants.report_rules(built["migrated"].parent)
    # Issue 13: the relationships the app reads are loaded by the queries that read them, none by
    # the model, so the tool's output and the hand-cleaned variant have the same models.
    assert 'lazy="selectin"' not in migrated["models.py"]
    assert (built["cleaned"] / "app" / "models.py").read_text() == migrated["models.py"]
    # The pool's liveness check is kept at one round trip (SQLAlchemy's asyncpg ping takes three):
    # the tool writes it and reports it; nothing is left for the cleaned variant to change.
    assert "    pool_pre_ping=" not in migrated["database.py"]
    assert "engine = _fifo_pool(\n    _ping_on_checkout(" in migrated["database.py"]
    assert variants.report_rules(built["migrated"].parent).get("asyncpg-pre-ping") == 1
    # The pool is sized (20 + 10): its waiters are served in order, as the sync app's were.
    assert variants.report_rules(built["migrated"].parent).get("fifo-pool") == 1
    assert (built["cleaned"] / "app" / "database.py").read_text() == migrated["database.py"]


def _answers(folder: Path, url: str, seed_url: str, tmp_path: Path) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, seed_url],
        cwd=folder,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_migrated_app_serves_like_the_sync_app(built: dict[str, Path], tmp_path: Path) -> None:
    sync_db, async_db = tmp_path / "sync.db", tmp_path / "async.db"
    expected = _answers(built["sync"], f"sqlite:///{sync_db}", f"sqlite:///{sync_db}", tmp_path)
    # The environment is unchanged: the same sync URL, given its async driver where the engine is built.
    got = _answers(built["migrated"], f"sqlite:///{async_db}", f"sqlite:///{async_db}", tmp_path)
    assert got == expected
    cleaned_db = tmp_path / "cleaned.db"
    assert _answers(built["cleaned"], f"sqlite:///{cleaned_db}", f"sqlite:///{cleaned_db}", tmp_path) == expected
    assert expected[0]["stock"] == 99 and expected[2] == 404 and len(expected[3]) == 3

