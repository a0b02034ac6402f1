CALLS = [
    ("rename_or_add", ("alice", "zed", True)),
    ("rename_or_add", ("alice", "zed", False)),
    ("rename_or_add", ("bob", "x", True)),
    ("drop_addresses", (1,)),
    ("drop_addresses", (3,)),
]
