# `Directory._select_users` builds a query across branches and hands it back; every use of what it
# returns (and of `seniors`, which hands it back built further, and of `email_rows`, two columns)
# executes it: they return `select()`s, executed where they are used, on the caller's name for
# the same session. The outer join to `addresses` repeats users with two addresses: legacy
# iteration, `.all()` and `.count()` see what `.unique()` and the count's subquery see.
CALLS = [
    ("service:report", (0,)),
    ("service:report", (30,)),
    ("service:report", (50,)),
    ("listing:Directory.names", (26,)),
    ("listing:Directory.count", (0,)),
]
