CALLS = [
    ("page", (1, 2)),
    ("page", (2, 2)),
    ("page", (3, 2)),
    ("page_with_total", (0, 3)),
    ("page_with_total", (1, 3)),
    ("distinct_names", ()),
]
