# memory_store is stored in a list (through a star import) and called where no call site names it:
# nothing there could await it, so it stays sync with the engine and sessionmaker it builds for
# itself, while count_users beside it is migrated.
CALLS = [
    ("app.registry:built_stores", ("dora",)),
    ("app.stores:count_users", ()),
]
