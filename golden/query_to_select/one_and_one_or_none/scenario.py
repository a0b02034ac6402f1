CALLS = [
    ("one_by_id", (2,)),
    ("one_by_id", (99,), "raises"),
    ("one_or_none_by_name", ("bob",)),
    ("one_or_none_by_name", ("nobody",)),
    ("one_or_none_by_name", ("alice",), "raises"),
    ("one_joined", (1,)),
    ("one_joined", (3,), "raises"),
    ("one_name_row", ("carol",)),
    ("one_name_row", ("alice",), "raises"),
]
