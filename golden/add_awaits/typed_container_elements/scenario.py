CALLS = [
    ("run_indexed", ()),
    ("run_unpacked", ()),
    ("run_each", ()),
    ("run_chosen", ()),
]
