CALLS = [
    ("app.checks:count_named", ("alice",)),
    ("app.checks:count_named", ("zed",)),
]
