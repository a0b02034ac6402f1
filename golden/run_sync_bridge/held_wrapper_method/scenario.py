# A method a project decorator wraps in a held wrapper (one doing I/O on the session it is handed)
# stays sync with its override family; a call through an instance typed by a TypeVar's bound reaches
# it inside run_sync with the sync session.
CALLS = [
    ("rename", ["person", "carol"]),
    ("rename", ["owner", "alice"]),
    ("rename", ["owner", "bob"]),
]
