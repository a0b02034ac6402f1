# A generator delegating with `yield from` to one made async: `async for ... yield` gives the same
# items in the same order.
CALLS = [
    ("collected", (30, 25)),
    ("collected", (40, 99)),
]
