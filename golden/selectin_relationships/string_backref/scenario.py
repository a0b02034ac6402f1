# Address.user exists only through User.addresses' string backref; a fresh session has no user in
# its identity map, so a lazy Address.user would raise MissingGreenlet under asyncio — and a new
# address's user is not loaded at all until it is refreshed.
CALLS = [
    ("app.queries:owners", ()),
    ("app.queries:emails_of", (1,)),
    ("app.queries:emails_of", (3,)),
    ("app.queries:add_address", (2, "b2@x.org")),
]
