# UserRepo's listings hand back lazy queries. `older_than` has a caller that cannot name its session
# (`UserRepo(db).older_than(0)`): it stays sync on the sync Session behind the repository's
# AsyncSession, and each caller runs the expression executing it inside `run_sync`. Every caller of
# `emails` names it (`repo.db`): `emails` returns a `select()` they execute (rows, as legacy iterates).
CALLS = [
    ("service:names_over", (26,)),
    ("service:first_named", ("alice",)),
    ("service:first_named", ("dave",)),
    ("service:count_over", (29,)),
    ("service:summary", ()),
]
