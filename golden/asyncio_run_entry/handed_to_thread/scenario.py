CALLS = [
    ("add_in_pool", ("dave",)),
    ("add_in_thread", ("erin",)),
]
