# SQLAlchemy is imported only inside `try: ... except ImportError:` (an optional dependency): the
# imports the migration adds go into that `try`, with `= None` fallbacks in the handler, so the
# module still imports without SQLAlchemy.
CALLS = [
    ("count_users", ()),
]
