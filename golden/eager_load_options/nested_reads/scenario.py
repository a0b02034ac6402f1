# Reads that go through two relationships load both from the query, chained: the collection with
# selectinload, then the many-to-one of each element joined to that SELECT (`Address` imported).
CALLS = [
    ("app.queries:addresses_with_owner", (1,)),
    ("app.queries:addresses_with_owner", (3,)),
    ("app.queries:first_owner_name", (2,)),
]
