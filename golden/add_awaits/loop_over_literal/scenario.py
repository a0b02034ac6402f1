CALLS = [
    ("names_by_label", []),
    ("rename_twice", []),
]
