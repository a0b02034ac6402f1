# Every relationship read is followed back to its query: the models stay as they are (lazy), each
# query loads what is read on its results. Sync runs one lazy SELECT per object and relationship;
# the migrated queries one SELECT per relationship (selectinload) or none (joinedload).
CALLS = [
    ("app.queries:emails_of", (1,)),
    ("app.queries:emails_by_id", (1,)),
    ("app.queries:emails_by_id", (3,)),
    ("app.queries:owners", ()),
    ("app.queries:names", ()),
]
