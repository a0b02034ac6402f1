CALLS = [
    ("users_selectin", ()),
    ("users_joined", ()),
    ("first_joined", ("alice",)),
    ("first_joined", ("carol",)),
    ("first_joined", ("nobody",)),
    ("one_joined", (1,)),
    ("one_joined", (99,), "raises"),
    ("address_owner", (3,)),
    ("address_owner", (99,)),
]
