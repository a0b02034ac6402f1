CALLS = [
    ("ranked", ()),
    ("ranked", ("alice",)),
    ("listed", ()),
]
