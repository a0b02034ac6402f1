CALLS = [
    ("count_users", ()),
    ("save_counts", ({"zoe": 30, "yann": 41},)),
]
