CALLS = [
    ("bump_and_count", ["alice"]),
    ("bump_and_count", ["nobody"]),
]
