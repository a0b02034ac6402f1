CALLS = [
    ("names", ()),
    ("joined_ids", ()),
    ("older_rows", (26,)),
    ("address_counts", ()),
    ("birthday", ()),
]
