CALLS = [
    ("merge_ages", ("bob", {"carol": 31}, True)),
    ("merge_ages", ("bob", {"carol": 31}, False)),
    ("merge_ages", ("carol", {}, True, )),
]
