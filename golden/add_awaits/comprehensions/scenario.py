# any_old is left reported (any() stops early: no list comprehension is exact), so it is not run.
CALLS = [
    ("names", ()),
    ("total_age", ()),
    ("ages", ((1, 2, 4),)),
    ("emails", (1,)),
    ("emails", (3,)),
    ("longest_owner_name", ()),
    ("grouped", ()),
]
