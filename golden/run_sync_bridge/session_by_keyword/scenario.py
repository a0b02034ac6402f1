CALLS = [
    ("adult_names", (30,)),
    ("adult_names", (99,)),
]
