# Address.owner_name proxies Address.user.name: reading it on a new address after the commit loads
# the user, which a lazy relationship would do with MissingGreenlet under asyncio.
CALLS = [
    ("app.queries:add_address", (2, "b2@x.org")),
    ("app.queries:add_address", (4, "d2@x.org")),
]
