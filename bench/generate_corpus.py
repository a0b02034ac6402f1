"""Generate a large, deterministic corpus for ``bench/run_bench.py``.

    python bench/generate_corpus.py OUT [--files 3000] [--apps 16] [--seed 1]

Layout (a monorepo):

* ``OUT/corp/lib_XX/mod_YYY.py`` — unrelated Python: classes, functions, comprehensions, string
  handling, ``async def`` helpers, decorators; modules import siblings and other libraries;
* ``OUT/corp/shop_K/`` — SQLAlchemy applications: ``models.py`` (declarative models),
  ``database.py`` (engine, ``SessionLocal``, ``get_db``), ``crud.py`` (``Session`` functions with
  legacy ``query`` chains), ``services.py`` (classes over crud), ``routes.py`` (FastAPI-style
  handlers with ``Depends(get_db)``) and ``jobs.py`` / ``reports.py`` — callers that never name
  SQLAlchemy but call the services — plus imports of the unrelated libraries, which must stay
  untouched.

Deterministic for a seed: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = (
    "alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega river stone cloud "
    "forest ember frost harbor meadow canyon summit valley breeze comet orbit quartz willow "
    "falcon badger otter heron maple cedar birch aspen lotus coral amber ivory onyx"
).split()


def ident(rng: random.Random, n: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(n))


def unrelated_module(rng: random.Random, lib: int, mod: int, libs: int, mods: int, target_lines: int) -> str:
    out: list[str] = ['"""Generated module {}.{}: utilities."""\n'.format(lib, mod), "from __future__ import annotations\n"]
    out.append("import asyncio\nimport itertools\nimport json\nimport re\nfrom dataclasses import dataclass, field\nfrom typing import Any, Iterable, Optional\n")
    for _ in range(rng.randint(0, 3)):
        other_lib = rng.randrange(libs)
        other = rng.randrange(mods)
        if other_lib == lib:
            if other != mod:
                out.append(f"from . import mod_{other:03d}\n")
        else:
            out.append(f"from corp.lib_{other_lib:02d} import mod_{other:03d} as m_{other_lib}_{other}\n")
    out.append("\n")
    k = 0
    while sum(chunk.count("\n") for chunk in out) < target_lines:
        k += 1
        kind = rng.random()
        name = f"{ident(rng)}_{k}"
        if kind < 0.35:
            out.append(
                f'''

def {name}(items: Iterable[int], factor: int = {rng.randint(1, 9)}, *, label: str = "{rng.choice(WORDS)}") -> dict[str, Any]:
    """Compute a summary of ``items`` ({rng.choice(WORDS)})."""
    values = [x * factor for x in items if x % {rng.randint(2, 7)} != 0]
    total = sum(values)
    squares = {{x: x ** 2 for x in values[:{rng.randint(5, 50)}]}}
    if total > {rng.randint(10, 1000)}:
        label = label.upper()
    elif not values:
        return {{"label": label, "total": 0}}
    else:
        label = f"{{label}}-{{total:05d}}"
    for a, b in itertools.pairwise(values):
        if a > b:
            total -= (a - b) // 2
    return {{"label": label, "total": total, "squares": squares, "n": len(values)}}
'''
            )
        elif kind < 0.6:
            out.append(
                f'''

@dataclass
class {name.title().replace("_", "")}:
    """A record of {rng.choice(WORDS)} data."""

    name: str
    size: int = {rng.randint(0, 100)}
    tags: list[str] = field(default_factory=list)
    parent: Optional["{name.title().replace("_", "")}"] = None

    def describe(self) -> str:
        parts = [self.name, str(self.size), *sorted(self.tags)]
        return " / ".join(p for p in parts if p)

    def grow(self, by: int = 1) -> "{name.title().replace("_", "")}":
        self.size += by
        if self.size > {rng.randint(50, 500)}:
            self.tags.append("large")
        return self

    @property
    def depth(self) -> int:
        node, n = self.parent, 0
        while node is not None:
            node, n = node.parent, n + 1
        return n

    def to_json(self) -> str:
        return json.dumps({{"name": self.name, "size": self.size, "tags": self.tags}}, sort_keys=True)
'''
            )
        elif kind < 0.75:
            out.append(
                f'''

async def {name}(urls: list[str], limit: int = {rng.randint(1, 8)}) -> list[str]:
    """Fetch-like coroutine over ``urls`` ({rng.choice(WORDS)})."""
    semaphore = asyncio.Semaphore(limit)
    results: list[str] = []

    async def one(url: str) -> None:
        async with semaphore:
            await asyncio.sleep(0)
            results.append(url.strip().lower())

    await asyncio.gather(*(one(u) for u in urls))
    return sorted(results)
'''
            )
        else:
            pattern = rng.choice([r"\d+", r"[a-z]+", r"\s+", r"(\w+)@(\w+)"])
            out.append(
                f'''

_PATTERN_{k} = re.compile(r"{pattern}")


def {name}(text: str) -> list[str]:
    # Split and normalise {rng.choice(WORDS)} text.
    found = _PATTERN_{k}.findall(text)
    cleaned = []
    for token in found:
        if isinstance(token, tuple):
            token = "@".join(token)
        token = token.strip()
        if token and token not in cleaned:
            cleaned.append(token)
    try:
        cleaned.sort(key=lambda t: (len(t), t))
    except TypeError:  # pragma: no cover
        pass
    return cleaned
'''
            )
    return "".join(out)


def shop_files(rng: random.Random, k: int, libs: int, mods: int, size: int) -> dict[str, str]:
    models = [f"{w.title()}{k}" for w in rng.sample(WORDS, 4)]
    f: dict[str, str] = {"__init__.py": ""}
    f["database.py"] = f'''from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

engine = create_engine("sqlite:///shop_{k}.db")
SessionLocal = sessionmaker(bind=engine)


class Base(DeclarativeBase):
    pass


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
'''
    model_src = ["from sqlalchemy import ForeignKey, String\nfrom sqlalchemy.orm import Mapped, mapped_column\n\nfrom .database import Base\n"]
    for m in models:
        model_src.append(
            f'''

class {m}(Base):
    __tablename__ = "{m.lower()}"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    score: Mapped[int] = mapped_column(default=0)
    owner_id: Mapped[int] = mapped_column(default=0)
'''
        )
    f["models.py"] = "".join(model_src)
    crud = [
        "from sqlalchemy import func, select\nfrom sqlalchemy.orm import Session\n\n",
        f"from corp.lib_{rng.randrange(libs):02d} import mod_{rng.randrange(mods):03d} as helpers\n",
        f"from .models import {', '.join(models)}\n",
    ]
    for i in range(size):
        m = models[i % len(models)]
        crud.append(
            f'''

def get_{m.lower()}_{i}(db: Session, item_id: int):
    return db.get({m}, item_id)


def list_{m.lower()}_{i}(db: Session, skip: int = 0, limit: int = 100):
    return db.query({m}).filter({m}.score >= {i}).order_by({m}.id).offset(skip).limit(limit).all()


def create_{m.lower()}_{i}(db: Session, name: str, score: int = {i}):
    obj = {m}(name=name, score=score)
    db.add(obj)
    db.commit()
    db.refresh(obj)
    return obj


def count_{m.lower()}_{i}(db: Session) -> int:
    return db.scalar(select(func.count()).select_from({m})) or 0
'''
        )
    f["crud.py"] = "".join(crud)
    services = ["from sqlalchemy.orm import Session\n\nfrom . import crud\n\n"]
    for i in range(size):
        m = models[i % len(models)].lower()
        services.append(
            f'''

class Service{i}:
    def __init__(self, db: Session):
        self.db = db

    def create(self, name: str):
        item = crud.create_{m}_{i}(self.db, name)
        self.db.flush()
        return item

    def summary(self) -> dict:
        return {{"count": crud.count_{m}_{i}(self.db), "items": crud.list_{m}_{i}(self.db, limit=5)}}
'''
        )
    f["services.py"] = "".join(services)
    routes = [
        "from fastapi import APIRouter, Depends\nfrom sqlalchemy.orm import Session\n\n",
        "from .database import get_db\nfrom . import services\n\nrouter = APIRouter()\n",
    ]
    for i in range(size):
        routes.append(
            f'''

@router.get("/items/{i}")
def summary_{i}(db: Session = Depends(get_db)):
    return services.Service{i}(db).summary()


@router.post("/items/{i}")
def create_{i}(name: str, db: Session = Depends(get_db)):
    return services.Service{i}(db).create(name)
'''
        )
    f["routes.py"] = "".join(routes)
    # Callers that never name SQLAlchemy: affected through the services they call.
    jobs = ["from .database import SessionLocal\nfrom .services import " + ", ".join(f"Service{i}" for i in range(size)) + "\n"]
    for i in range(size):
        jobs.append(
            f'''

def nightly_{i}():
    with SessionLocal() as db:
        report = Service{i}(db).summary()
    return report["count"]
'''
        )
    f["jobs.py"] = "".join(jobs)
    f["reports.py"] = (
        f"from corp.lib_{rng.randrange(libs):02d} import mod_{rng.randrange(mods):03d} as fmt\n\nfrom . import jobs\n\n\n"
        + "".join(f"def weekly_{i}():\n    return jobs.nightly_{i}() * 7\n\n\n" for i in range(size)).rstrip() + "\n"
    )
    return f


def generate(out: Path, files: int, apps: int, seed: int, lines_per_module: int) -> tuple[int, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    root = out / "corp"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    shop_count = apps * 8
    unrelated = max(0, files - shop_count - 1)
    libs = max(1, unrelated // 100)
    mods = -(-unrelated // libs)
    written = 1
    n = 0
    for lib in range(libs):
        d = root / f"lib_{lib:02d}"
        d.mkdir()
        (d / "__init__.py").write_text(f'"""Library {lib}."""\n')
        written += 1
        for mod in range(mods - 1):
            if n >= unrelated - libs:
                break
            target = int(rng.gauss(lines_per_module, lines_per_module / 3))
            (d / f"mod_{mod:03d}.py").write_text(unrelated_module(rng, lib, mod, libs, mods - 1, max(20, target)))
            written += 1
            n += 1
    for k in range(apps):
        d = root / f"shop_{k}"
        d.mkdir()
        for name, text in shop_files(rng, k, libs, mods - 1, size=rng.randint(4, 8)).items():
            (d / name).write_text(text)
            written += 1
    lines = sum(p.read_bytes().count(b"\n") for p in out.rglob("*.py"))
    (out / "pyproject.toml").write_text("[project]\nname = 'corp'\nversion = '0'\n")
    return written, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--apps", type=int, default=16)
    parser.add_argument("--lines", type=int, default=175, help="mean lines per unrelated module")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files, lines = generate(args.out, args.files, args.apps, args.seed, args.lines)
    print(f"{files} files, {lines} lines in {args.out}")


if __name__ == "__main__":
    main()
