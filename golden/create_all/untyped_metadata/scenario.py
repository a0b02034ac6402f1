CALLS = [
    ("fresh_count", ()),
]
