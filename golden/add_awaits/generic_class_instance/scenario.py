CALLS = [
    ("Names.name", [1]),
    ("Names.name", [9]),
    ("Names.first", []),
]
