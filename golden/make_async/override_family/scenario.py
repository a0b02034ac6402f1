CALLS = [
    ("Repository.rename", [1, "ann"]),
    ("TitledRepository.rename", [2, "BOB"]),
    ("ReadOnlyRepository.rename", [3, "carl"], "raises"),
]
