# A fixture delegating with `yield from` to a generator made async: `async for item in ...: yield
# item` (tests/conftest.py, checked as text); the generator and a loop over it run here.
CALLS = [
    ("app.names:collected", (30,)),
    ("app.names:collected", (99,)),
]
