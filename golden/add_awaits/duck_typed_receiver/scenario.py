CALLS = [
    ("fill", ("a", True)),
    ("fill", ("b", False)),
    ("create_any", ("c", True)),
    ("create_any", ("d", False)),
]
