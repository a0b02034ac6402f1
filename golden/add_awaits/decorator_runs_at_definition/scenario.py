CALLS = [
    ("Users.put", ["alice", 50]),
    ("Users.put", ["nobody", 1]),
    ("registered", []),
]
