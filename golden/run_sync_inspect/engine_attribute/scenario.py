# The engine assigned to an attribute of an untyped object is inspected through run_sync.
CALLS = [
    ("column_names", ("users",)),
    ("column_names", ("addresses",)),
]
