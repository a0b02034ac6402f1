# The default policy: the session keeps expire_on_commit=False; the assignment, which an
# AsyncSession would silently drop, becomes _reload_after_commit (queries after a commit re-read
# their rows) and is reported. Nothing else changed the row, so the read after commit gives what
# the sync re-SELECT gave.
CALLS = [
    ("rename", (2, "bobby")),
]
