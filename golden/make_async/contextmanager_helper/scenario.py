CALLS = [
    ("add_user", ["dora"]),
]
