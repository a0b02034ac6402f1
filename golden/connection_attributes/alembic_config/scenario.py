CALLS = [
    ("handed_to_alembic", ()),
]
