CALLS = [
    ("count_here", ("alice",)),
    ("count_here", ("nobody",)),
]
