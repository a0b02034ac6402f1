# Only the code the migration converts runs: building `Importer` is left (and reported), since its
# `__init__` would get a coroutine from `get_one`; the report says so with the construction sites.
CALLS = [("user_name", [1]), ("user_name", [99])]
