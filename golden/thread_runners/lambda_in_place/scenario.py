CALLS = [
    ("add_in_threads", ("dave",)),
]
