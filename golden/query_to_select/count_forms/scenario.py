CALLS = [
    ("count_filtered", (30,)),
    ("count_filtered", (99,)),
    ("count_joined", ()),
    ("count_distinct_names", ()),
    ("count_groups", ()),
    ("count_limited", (2,)),
    ("count_limited", (10,)),
]
