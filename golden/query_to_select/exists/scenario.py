CALLS = [
    ("name_taken", ("alice",)),
    ("name_taken", ("nobody",)),
    ("has_address", (1,)),
    ("has_address", (3,)),
    ("users_with_any_address", ()),
]
