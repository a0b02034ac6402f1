# A generator expression unpacked into a tuple target becomes a list comprehension: same calls,
# same order, same values (and the function is not held sync for it).
CALLS = [
    ("ages_of_pair", (1, 2)),
    ("ages_of_pair", (4, 3)),
    ("ages_of_pair", (1, 99), "raises"),
]
