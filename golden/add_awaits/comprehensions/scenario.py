# any_old stays sync (any() stops early: no list comprehension is exact); its async caller
# reaches it through run_sync.
CALLS = [
    ("names", ()),
    ("total_age", ()),
    ("ages", ((1, 2, 4),)),
    ("emails", (1,)),
    ("emails", (3,)),
    ("longest_owner_name", ()),
    ("grouped", ()),
    ("old_and_names", ((1, 2),)),
    ("old_and_names", ((1, 4),)),
]
