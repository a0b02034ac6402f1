CALLS = [
    ("api:names", ()),
    ("api:stats", (1,)),
    ("api:stats", (3,)),
]
