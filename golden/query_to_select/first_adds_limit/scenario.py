CALLS = [
    ("first_by_name", ("alice",)),
    ("first_by_name", ("bob",)),
    ("first_by_name", ("nobody",)),
    ("first_with_join", ("alice",)),
    ("first_with_join", ("carol",)),
    ("first_email_row", (1,)),
    ("first_email_row", (3,)),
]
