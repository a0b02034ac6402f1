CALLS = [
    ("names_in_order", ()),
    ("joined_users", ()),
    ("email_rows", ()),
]
