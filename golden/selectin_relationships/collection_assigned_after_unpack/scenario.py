# Assigning a collection relationship loads the collection it replaces (a lazy load under
# asyncio); the object comes from a tuple unpacked from `row or (None, None)`, which the plan
# cannot follow to its query, beside a `None` it can: the relationship loads with its parent.
CALLS = [
    ("replace_addresses", ("alice", ["new1@x.org", "new2@x.org"])),
    ("replace_addresses", ("bob", [])),
    ("replace_addresses", ("carol", ["c@x.org"])),
    ("replace_addresses", ("", ["x@x.org"])),
]
