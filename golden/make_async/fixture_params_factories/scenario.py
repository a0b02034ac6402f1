# sqlite_users and memory_users are stored together in a fixture's params= and called through
# request.param there: they become async together (memory_users has no I/O of its own), the
# fixture awaits the call, and its `yield from` becomes a loop. Run here: the stored functions,
# before on a sync Session, after on an AsyncSession (tests/test_flows.py runs the fixture shape
# under pytest).
CALLS = [
    ("app.users:sqlite_users", ("ann",)),
    ("app.users:memory_users", ("ann",)),
]
