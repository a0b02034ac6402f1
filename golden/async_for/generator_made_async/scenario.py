# count_pages is reported and left (a generator expression over an async generator), so not run.
CALLS = [
    ("page_sizes", (3,)),
    ("page_sizes", (10,)),
    ("first_names", (2,)),
    ("page_of_user", (3,)),
]
