"""Generate a large, deterministic corpus for ``bench/run_bench.py``.

    python bench/generate_corpus.py OUT [--files 3000] [--apps 16] [--stores 0] [--seed 1]
    python bench/generate_corpus.py OUT --pathological [--lines 10000]

Layout (a monorepo):

* ``OUT/corp/lib_XX/mod_YYY.py`` — unrelated Python: classes, functions, comprehensions, string
  handling, ``async def`` helpers, decorators; modules import siblings and other libraries;
* ``OUT/corp/shop_K/`` — SQLAlchemy applications: ``models.py`` (declarative models),
  ``database.py`` (engine, ``SessionLocal``, ``get_db``), ``crud.py`` (``Session`` functions with
  legacy ``query`` chains), ``services.py`` (classes over crud), ``routes.py`` (FastAPI-style
  handlers with ``Depends(get_db)``) and ``jobs.py`` / ``reports.py`` — callers that never name
  SQLAlchemy but call the services — plus imports of the unrelated libraries, which must stay
  untouched;
* ``OUT/corp/store_KK/`` (``--stores``) — copies of the bundled example application
  (``examples/shop``: models, database, crud, services, FastAPI routers, schemas, HTTP and unit
  tests) under distinct package names (``from app.x`` becomes ``from corp.store_KK.app.x``), each
  a variant: a few generated extra ``crud`` queries, a ``jobs.py`` calling crud and services
  across modules, and an import of one of the unrelated libraries. Used for the *dense* corpus
  (a quarter of the files relevant or more), where the rewrite is most of the work.

``--pathological`` writes a different project instead: ``OUT/corp/bulk/`` with ``database.py``,
``models.py`` and one module of about ``--lines`` lines holding thousands of legacy queries,
session calls and calls between its own functions (each function calls the previous one, so
making them async cascades through the whole module): one file's work must stay bounded.

Deterministic for a seed: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop"

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


#: Extra crud queries a store variant may carry: (template, model) with ``{i}`` a number.
STORE_QUERIES = (
    "def users_named_{i}(db: Session, prefix: str) -> list[User]:\n"
    "    return db.query(User).filter(User.name.startswith(prefix)).order_by(User.id).limit({n}).all()\n",
    "def cheapest_{i}(db: Session, category: str) -> Optional[Product]:\n"
    "    return (\n        db.query(Product)\n        .filter(Product.category == category, Product.stock > {n})\n"
    "        .order_by(Product.price)\n        .first()\n    )\n",
    "def pending_orders_{i}(db: Session, user_id: int) -> int:\n"
    "    return db.query(Order).filter_by(user_id=user_id, status=\"pending\").count()\n",
    "def restock_{i}(db: Session, product_id: int, amount: int = {n}) -> Optional[Product]:\n"
    "    product = db.get(Product, product_id)\n    if product is None:\n        return None\n"
    "    product.stock += amount\n    db.commit()\n    db.refresh(product)\n    return product\n",
    "def revenue_{i}(db: Session) -> float:\n"
    "    total = (\n        db.query(func.sum(OrderItem.quantity * OrderItem.unit_price))\n"
    "        .join(Order, OrderItem.order_id == Order.id)\n        .filter(Order.status != \"cancelled\")\n"
    "        .scalar()\n    )\n    return round(total or 0.0, {n})\n",
)


def store_files(rng: random.Random, k: int, libs: int, mods: int) -> dict[str, str]:
    """A copy of ``examples/shop`` as package ``corp.store_KK``, with generated variations."""
    package = f"corp.store_{k:02d}"
    files: dict[str, str] = {"__init__.py": f'"""Store {k}: a copy of the example shop."""\n'}
    for path in sorted(SHOP.rglob("*.py")):
        rel = path.relative_to(SHOP).as_posix()
        text = path.read_text()
        text = re.sub(r"^(\s*)from app(\.| import)", rf"\1from {package}.app\2", text, flags=re.M)
        files[rel] = text
    files["tests/__init__.py"] = ""
    extras = [rng.choice(STORE_QUERIES).format(i=j, n=rng.randint(1, 9)) for j in range(rng.randint(2, 6))]
    files["app/crud.py"] += "".join(f"\n\n{text}" for text in extras)
    names = [re.match(r"def (\w+)", text).group(1) for text in extras]  # type: ignore[union-attr]
    calls = "\n".join(f"        crud.{name}," for name in names)
    files["app/jobs.py"] = (
        f"from corp.lib_{rng.randrange(libs):02d} import mod_{rng.randrange(mods):03d} as helpers\n\n"
        "from . import crud\nfrom .database import SessionLocal\nfrom .services import OrderService\n\n\n"
        f"JOBS = (\n{calls}\n)\n\n\n"
        "def order_report(user_id: int) -> dict:\n"
        "    with SessionLocal() as db:\n"
        "        service = OrderService(db)\n"
        "        total, orders = service.list_orders_for_user(user_id, limit=10)\n"
        "        spent = crud.total_spent(db, user_id)\n"
        "    return {\"total\": total, \"orders\": [o.id for o in orders], \"spent\": spent}\n\n\n"
        "def summaries(order_ids: list[int]) -> list[dict]:\n"
        "    with SessionLocal() as db:\n"
        "        service = OrderService(db)\n"
        "        return [service.order_summary(order_id) for order_id in order_ids]\n"
    )
    return files


def pathological_files(lines: int) -> dict[str, str]:
    """``bulk.py``: about ``lines`` lines of legacy queries in functions that call each other."""
    files = {
        "__init__.py": "",
        "database.py": (
            "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import DeclarativeBase, sessionmaker\n\n"
            "engine = create_engine(\"sqlite:///bulk.db\")\nSessionLocal = sessionmaker(bind=engine)\n\n\n"
            "class Base(DeclarativeBase):\n    pass\n"
        ),
        "models.py": (
            "from sqlalchemy import ForeignKey, String\nfrom sqlalchemy.orm import Mapped, mapped_column, relationship\n\n"
            "from .database import Base\n\n\n"
            "class Account(Base):\n    __tablename__ = \"account\"\n\n"
            "    id: Mapped[int] = mapped_column(primary_key=True)\n"
            "    name: Mapped[str] = mapped_column(String(80))\n"
            "    score: Mapped[int] = mapped_column(default=0)\n"
            "    entries: Mapped[list[\"Entry\"]] = relationship(back_populates=\"account\")\n\n\n"
            "class Entry(Base):\n    __tablename__ = \"entry\"\n\n"
            "    id: Mapped[int] = mapped_column(primary_key=True)\n"
            "    account_id: Mapped[int] = mapped_column(ForeignKey(\"account.id\"))\n"
            "    amount: Mapped[int] = mapped_column(default=0)\n"
            "    account: Mapped[Account] = relationship(back_populates=\"entries\")\n"
        ),
    }
    out = [
        "from sqlalchemy import func, select\nfrom sqlalchemy.orm import Session\n\n"
        "from .database import SessionLocal\nfrom .models import Account, Entry\n\n\n"
        "def step_0(db: Session) -> int:\n    return 0\n"
    ]
    i = 0
    while sum(chunk.count("\n") for chunk in out) < lines:
        i += 1
        shape = i % 4
        if shape == 0:
            body = (
                f"    rows = db.query(Account).filter(Account.score >= {i}).order_by(Account.id).limit(10).all()\n"
                f"    return len(rows) + step_{i - 1}(db)\n"
            )
        elif shape == 1:
            body = (
                f"    total = db.query(func.sum(Entry.amount)).filter(Entry.account_id == {i}).scalar()\n"
                f"    return (total or 0) + step_{i - 1}(db)\n"
            )
        elif shape == 2:
            body = (
                f"    account = db.get(Account, {i})\n    if account is None:\n"
                f"        account = Account(name=\"a{i}\", score={i})\n        db.add(account)\n        db.flush()\n"
                f"    return account.score + step_{i - 1}(db)\n"
            )
        else:
            body = (
                f"    count = db.scalar(select(func.count()).select_from(Entry).where(Entry.amount > {i})) or 0\n"
                f"    first = db.query(Entry).filter_by(account_id={i}).first()\n"
                f"    return count + (first.amount if first else 0) + step_{i - 1}(db)\n"
            )
        out.append(f"\n\ndef step_{i}(db: Session) -> int:\n{body}")
    out.append(f"\n\ndef main() -> int:\n    with SessionLocal() as db:\n        return step_{i}(db)\n")
    files["bulk.py"] = "".join(out)
    return files


def _write(folder: Path, files: dict[str, str]) -> int:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return len(files)


def generate(out: Path, files: int, apps: int, seed: int, lines_per_module: int, stores: int = 0) -> tuple[int, int]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    root = out / "corp"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    store_size = len(store_files(random.Random(0), 0, 1, 1)) if stores else 0
    shop_count = apps * 8 + stores * store_size
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
    for k in range(stores):
        written += _write(root / f"store_{k:02d}", store_files(rng, k, libs, mods - 1))
    lines = sum(p.read_bytes().count(b"\n") for p in out.rglob("*.py"))
    (out / "pyproject.toml").write_text("[project]\nname = 'corp'\nversion = '0'\n")
    return written, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--apps", type=int, default=16)
    parser.add_argument("--stores", type=int, default=0, help="copies of examples/shop (the dense corpus)")
    parser.add_argument("--lines", type=int, default=None, help="mean lines per unrelated module (175); "
                        "with --pathological, lines of its module (10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pathological", action="store_true", help="one huge module of queries instead")
    args = parser.parse_args()
    if args.pathological:
        if args.out.exists():
            shutil.rmtree(args.out)
        (args.out / "corp").mkdir(parents=True)
        (args.out / "corp" / "__init__.py").write_text("")
        files = 1 + _write(args.out / "corp" / "bulk", pathological_files(args.lines or 10_000))
        (args.out / "pyproject.toml").write_text("[project]\nname = 'corp'\nversion = '0'\n")
        lines = sum(p.read_bytes().count(b"\n") for p in args.out.rglob("*.py"))
    else:
        files, lines = generate(args.out, args.files, args.apps, args.seed, args.lines or 175, args.stores)
    print(f"{files} files, {lines} lines in {args.out}")


if __name__ == "__main__":
    main()
