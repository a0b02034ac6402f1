# by_raw_sql keeps its legacy query: it stays sync and the migrated service reaches it through
# run_sync, which hands it the sync Session of the same AsyncSession (same transaction).
CALLS = [
    ("app.services:birthday_for_adults", (30,)),
    ("app.services:birthday_for_adults", (99,)),
]
