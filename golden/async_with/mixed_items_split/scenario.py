# Each `with` mixes sync context managers (`warnings.catch_warnings`, `suppress`) with async ones (a
# project class made an async context manager, a savepoint): split into nested statements, the users
# are counted on entering and leaving, the warning is caught inside, and a failed block's savepoint
# rolls back before `suppress` swallows its error.
CALLS = [
    ("add_counted", ["dee"]),
    ("add_address_nested", [3, "c1@x.org"]),
    ("add_address_nested", [3, "c2@x.org", True]),
]
