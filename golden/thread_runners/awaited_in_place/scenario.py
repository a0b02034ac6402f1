CALLS = [
    ("add_in_threads", ("dave",)),
    ("save_counts", (["erin", "frank"],)),
]
