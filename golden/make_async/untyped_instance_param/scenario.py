CALLS = [
    ("add_named", ("dave",)),
    ("add_twice", ("erin",)),
    ("describe_count", ()),
]
