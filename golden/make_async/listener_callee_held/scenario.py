# An event listener (kept sync: SQLAlchemy calls it with the sync connection, inside the async
# session's greenlet) builds a Session on that connection and calls a project function with it.
# The function stays sync with its listener; an async caller reaches it through run_sync. Without
# the hold it became async and the listener dropped its coroutine: the owner's age never changed.
CALLS = [
    ("add_address", (2, "new@x.org")),
    ("birthday_of_owner", (1,)),
]
