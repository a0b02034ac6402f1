# expire-on-commit = "keep": the async session keeps expiring on commit, as the project's does.
# Commits made in called functions expire the caller's objects too: what the caller reads after
# such a call is refreshed right after it (in place, when the same statement reads it), unless the
# callee left it loaded or deleted it.
SESSION = {"expire_on_commit": True}
CALLS = [
    ("app.routes:enroll", ("dora", 22)),
    ("app.routes:birthday", (2,)),
    ("app.routes:birthday", (9,), "raises"),
    ("app.routes:renamed", (1, "zed")),
    ("app.routes:retire", (3,)),
    ("app.routes:open_two", ("erin",)),
    ("app.routes:in_one_statement", (4,)),
]
