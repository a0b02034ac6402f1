# The default policy, a delete through the session: at the commit _reload_after_commit drops the
# deleted address from the user's loaded collection (no SQL), as the sync session's expired
# collection, loaded again, no longer held it. Without that step the migrated code returns the
# deleted address a second time.
CALLS = [
    ("app.users:drop_address", (1, 2)),
]
