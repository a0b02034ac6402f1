# A read the plan cannot follow to a query (a property of the model itself): the relationship is
# loaded with its parent on every query (lazy="selectin"), reported; Address.user, never read, stays.
CALLS = [
    ("app.queries:address_counts", ()),
]
