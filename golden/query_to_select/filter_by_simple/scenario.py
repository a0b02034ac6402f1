CALLS = [
    ("by_name", ("alice",)),
    ("by_name", ("carol",)),
    ("by_name", ("nobody",)),
    ("by_name_and_age", ("alice", 40)),
    ("by_name_and_age", ("alice", 99)),
    ("ids_by_age", (30, 0)),
    ("ids_by_age", (0, 25)),
]
