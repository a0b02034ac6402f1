CALLS = [
    ("search", ()),
    ("search", ("alice",)),
    ("search", ("alice", 35)),
    ("search", (None, 30)),
    ("search_and_count", (True,)),
    ("search_and_count", (False,)),
]
