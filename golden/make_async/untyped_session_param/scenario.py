CALLS = [
    ("case:greeting_for", ("hello",)),
]
