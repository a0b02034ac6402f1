# The engine comes from `sqlalchemy.create_engine` on the module imported whole: it is an engine
# all the same, so the DDL on it runs through `conn.run_sync` and the function becomes async
# (before: the engine was converted while the DDL stayed sync on it, as was the MetaData).
CALLS = [
    ("create_tables", ()),
]
