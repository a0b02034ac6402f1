"""Schema and seeded data for the payoff bench: 1,000 users, 20,000 items, 40,000 reviews.

The schema comes from the app's own models (``Base.metadata.create_all`` on the sync engine); the rows
are deterministic (a seeded generator) and loaded with ``COPY``, then ``ANALYZE``d.
"""

from __future__ import annotations

import io
import random

import psycopg2
from sqlalchemy import create_engine

N_USERS = 1_000
N_ITEMS = 20_000
N_REVIEWS = 40_000
CATEGORIES = [f"cat{i:02d}" for i in range(20)]
WORDS = "solid cheap great broken fast slow fine lovely awful handy sturdy light heavy neat".split()


def _copy(cursor, table: str, columns: str, rows) -> None:
    buffer = io.StringIO("".join("\t".join(map(str, row)) + "\n" for row in rows))
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def seed(sync_url: str, dsn: str) -> dict[str, int]:
    """Create the tables of ``app.models`` (must be importable) and fill them; returns row counts."""
    from app.database import Base  # noqa: PLC0415 - imported once DATABASE_URL is set
    import app.models  # noqa: F401,PLC0415 - registers the tables

    engine = create_engine(sync_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    rng = random.Random(42)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cursor:
        _copy(cursor, "users", "id, email, name", ((i, f"user{i}@example.com", f"User {i}") for i in range(1, N_USERS + 1)))
        _copy(
            cursor,
            "items",
            "id, owner_id, title, category, price, stock",
            (
                (i, rng.randint(1, N_USERS), f"{rng.choice(WORDS)} item {i}", rng.choice(CATEGORIES), round(rng.uniform(1, 100), 2), rng.randint(0, 500))
                for i in range(1, N_ITEMS + 1)
            ),
        )
        _copy(
            cursor,
            "reviews",
            "id, item_id, author_id, rating, body",
            (
                (i, rng.randint(1, N_ITEMS), rng.randint(1, N_USERS), rng.randint(1, 5), " ".join(rng.choices(WORDS, k=12)))
                for i in range(1, N_REVIEWS + 1)
            ),
        )
        for table in ("users", "items", "reviews"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with psycopg2.connect(dsn) as conn:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"users": N_USERS, "items": N_ITEMS, "reviews": N_REVIEWS}
