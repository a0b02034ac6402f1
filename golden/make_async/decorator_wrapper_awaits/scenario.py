# Without the await in the wrapper, it committed before the work ran and returned the coroutine:
# the names never changed, and rename() gave back a coroutine instead of the name.
CALLS = [
    ("rename", (1, "ada")),
    ("rename", (99, "nobody"), "raises"),  # rolled back, re-raised
    ("rename_and_count", (2,)),
]
