CALLS = [
    ("app.migrate:migrate_shared_connection", ()),
    ("app.migrate:migrate_own_engine", ()),
]
