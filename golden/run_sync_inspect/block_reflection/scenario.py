# Every table found by reflection is dropped and none is left; tables reflected on the engine
# and on a connection have the same columns, in both runs.
CALLS = [
    ("drop_all", ()),
    ("reflected_columns", ()),
]
