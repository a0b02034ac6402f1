CALLS = [
    ("users_with_addresses", ()),
    ("users_without_addresses", ()),
    ("address_counts", ()),
]
