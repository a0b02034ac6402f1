# Each call loads objects, runs a bulk write with `synchronize_session=False` and commits (in a method
# of its own), then reads the objects. The sync commit expired them, so the reads saw the rows as the
# write left them (a SELECT per object); migrated, the write synchronises them ("fetch": UPDATE/DELETE
# ... RETURNING on SQLite, no extra statement) and the reads see the same values with no SELECT. Left
# unsynchronised, `birthday` would return (25, 25) and `rename_and_read` the old names and ages.
# `drop_then_get` runs the DELETE form; its `get()` after the commit is the populate-existing rule's.
CALLS = [
    ("Users.birthday", (2,)),
    ("Users.rename_and_read", (28, "old")),
    ("Users.drop_then_get", (35, 4)),
    ("Users.drop_then_get", (35, 1)),
]
