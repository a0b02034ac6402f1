CALLS = [
    ("Profile.name", []),
    ("Profile.rename", ["ann"]),
    ("Profile.ages", []),
    ("Profile.age_of", ["carol"]),
    ("Profile.age_of", ["nobody"]),
    ("Profile.lookups", []),
]
