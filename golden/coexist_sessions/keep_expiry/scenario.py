# expire-on-commit = "keep": the async twin AsyncSessionLocal keeps expiring like SessionLocal, and
# the read after the commit in birthday is refreshed.
# Served over HTTP: before, every route on the sync engine; after, app.users async on the async
# engine and app.legacy (held sync) on the sync one, both opening the same sqlite file.
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("GET", "/users/1"),
    ("GET", "/users/adults", {"min_age": 30}),
    ("GET", "/legacy/count"),
    ("POST", "/users", {"name": "dave", "age": 52}),  # written by a migrated route (async engine)…
    ("GET", "/legacy/count"),  # …read by a held one (sync engine)
    ("GET", "/legacy/names"),
    ("GET", "/users/adults", {"min_age": 50}),
    ("GET", "/users/5"),
    ("POST", "/users/2/birthday"),
    ("GET", "/legacy/names"),
]
