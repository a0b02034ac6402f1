CALLS = [
    ("get_user", (2,)),
    ("get_user", (99,)),
    ("get_with_addresses", (1,)),
    ("get_with_addresses", (3,)),
    ("get_with_addresses", (99,)),
    ("get_fresh", (4,)),
]
