CALLS = [
    ("joined_then_rolled_back", ("zed",)),
]
