# A relationship whose keywords come from a module constant dict without `lazy` is the lazy default,
# as the index reads it too: the one query that reads it loads it (selectinload), the model stays
# as written, and the query that reads no relationship runs the sync code's SELECT alone.
CALLS = [
    ("emails_of", (1,)),
    ("emails_of", (3,)),
    ("names", ()),
]
