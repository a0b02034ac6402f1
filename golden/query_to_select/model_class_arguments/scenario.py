CALLS = [
    ("app.queries:newest_person_name", ()),
    ("app.queries:newest_mailbox_email", ()),
    ("app.queries:person_ids", ()),
    ("app.queries:persons", ()),
]
