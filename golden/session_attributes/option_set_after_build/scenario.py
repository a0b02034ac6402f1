# The session handed in expires on commit, as the sync default does: only the store turns it off.
SESSION = {"expire_on_commit": True}
CALLS = [
    ("case:rename_keeping_loaded", (1, "zed")),
    ("case:rename_keeping_loaded", (3, "ann")),
]
