# A held sync function reads a relationship of its own query's objects: there it lazy-loads as
# before (reached from migrated code through run_sync, in the session's greenlet). The model keeps
# its lazy default, so the migrated query that reads no relationship runs no extra SELECT.
CALLS = [
    ("app.service:report", ()),
    ("app.service:names", ()),
]
