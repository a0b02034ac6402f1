CALLS = [
    ("emails_of", ("alice",)),
    ("emails_of", ("carol",)),
    ("users_with_email_count", ()),
    ("outer_filter_by", ("a2@x.org",)),
    ("from_addresses", ()),
    ("distinct_users", ()),
    ("address_count_column", ()),
    ("labelled", ()),
    ("via_cte", ()),
    ("self_join", ()),
    ("refreshed", (2,)),
    ("built_then_iterated", ("alice",)),
]
