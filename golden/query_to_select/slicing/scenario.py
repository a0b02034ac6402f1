CALLS = [
    ("page", (1, 3)),
    ("page", (3, 10)),
    ("head", ()),
    ("tail", ()),
    ("nth", (0,)),
    ("nth", (2,)),
    ("nth", (5,), "raises"),
]
