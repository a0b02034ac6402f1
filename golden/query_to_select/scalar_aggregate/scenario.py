CALLS = [
    ("max_age", ()),
    ("user_count_for", ("alice",)),
    ("the_user", ("bob",)),
    ("the_user", ("nobody",)),
    ("the_user", ("alice",), "raises"),
    ("emails_per_user", ()),
]
