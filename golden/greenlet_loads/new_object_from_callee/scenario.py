# A new User built, added and committed by create_user, which returns it: register appends to its
# never-loaded addresses. Sync lazy-loads them at the first append (after reloading the expired
# user); async runs that load first, in the greenlet (run_sync), and again before the read after
# the commit (no SQL then: nothing expires). The model stays lazy.
CALLS = [
    ("app.users:register", ("dan",)),
]
