CALLS = [
    ("id_name_rows", ()),
    ("first_id", ("alice",)),
    ("first_id", ("nobody",)),
    ("names", ()),
    ("name_for", (3,)),
]
