CALLS = [
    ("age_up", (30,)),
    ("age_up", (99,)),
    ("rename_all", ("alice", "ally")),
    ("drop_addresses", (1,)),
    ("drop_addresses", (3,)),
    ("drop_addresses_fetch", (2,)),
]
