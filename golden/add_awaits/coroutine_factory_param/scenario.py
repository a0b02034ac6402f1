# fix_all: the rename runs, the size check raises inside safe_try (logged, False).
CALLS = [
    ("fix_all", []),
    ("Seeder.seed", []),
]
