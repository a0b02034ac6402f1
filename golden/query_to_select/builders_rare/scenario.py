CALLS = [
    ("sliced", (0, 2)),
    ("sliced", (1, 10)),
    ("any_named", ("alice",)),
    ("any_named", ("nobody",)),
    ("eager_addresses", ()),
    ("names_with_addresses", ()),
    ("sliced", (5, 2)),
]
