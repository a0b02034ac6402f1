# The constructor caps the ages (user 4: 40 -> 35) before the rename: the oldest is then the capped
# user 4 (35), loaded after the cap in both calls.
CALLS = [
    ("rename_one", (2,)),
    ("rename_one", (4,)),
]
