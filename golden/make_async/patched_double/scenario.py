CALLS = [
    ("oldest_on", ()),
]
