CALLS = [
    ("users_with_address", (2,)),
    ("users_with_address", (4,)),
    ("users_with_address", (9,)),
    ("users_by_email", ("b1@x.org",)),
    ("users_by_email", ("none@x.org",)),
    ("owners_named", ("alice",)),
    ("owners_named", ("carol",)),
]
