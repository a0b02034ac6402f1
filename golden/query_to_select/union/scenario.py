CALLS = [
    ("alice_or_thirty", ()),
    ("all_three", ()),
    ("counted", ()),
    ("oldest_over", (29,)),
    ("oldest_over", (50,)),
    ("page", ()),
    ("names", ()),
    ("same_object", ()),
]
CALLS += [("id_name_rows", ()), ("ages", ())]
