from app.db import init_db

# pytest imports a conftest while collecting, where no event loop runs
init_db()


class Seeded:
    users = init_db()


SUMMARY = (Seeded.users, init_db() + 1)
