# Deferred columns load on first access (I/O, MissingGreenlet under asyncio): the ones the project
# reads (an attribute read, a schema field) are loaded with their row; the one read nowhere stays.
CALLS = [
    ("user_summary", (1,)),
    ("user_summary", (3,)),
]
