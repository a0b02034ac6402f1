# Every table found by reflection is dropped; none is left, in both runs.
CALLS = [
    ("drop_all", ()),
]
