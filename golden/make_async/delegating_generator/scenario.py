# user_names delegates with `yield from`, which an async generator cannot: it stays sync and is
# reported (the output must still parse); count_users beside it is migrated.
CALLS = [
    ("count_users", ()),
]
