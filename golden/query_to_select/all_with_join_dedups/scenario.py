CALLS = [
    ("users_with_addresses", ()),
    ("users_and_emails", ()),
    ("user_address_pairs", ()),
    ("names_of_joined", ()),
]
