CALLS = [
    ("count_of_age", (30,)),
    ("count_of_age", (99,)),
]
