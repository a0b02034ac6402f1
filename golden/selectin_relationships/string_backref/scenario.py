# Address.user exists only through User.addresses' string backref; a fresh session has no user in
# its identity map, so a lazy Address.user would raise MissingGreenlet under asyncio.
CALLS = [
    ("app.queries:owners", ()),
    ("app.queries:emails_of", (1,)),
    ("app.queries:emails_of", (3,)),
]
