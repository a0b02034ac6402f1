CALLS = [
    ("Repository.register", ("bob", "b2@x.org")),
    ("Repository.register", ("alice", "a5@x.org")),
    ("register_directly", ("carol", "c1@x.org")),
]
