# UserRepo's listings hand back lazy queries: they stay sync on the sync Session behind the
# repository's AsyncSession, and each caller runs the expression executing them inside `run_sync`.
CALLS = [
    ("service:names_over", (26,)),
    ("service:first_named", ("alice",)),
    ("service:first_named", ("dave",)),
    ("service:count_over", (29,)),
    ("service:summary", ()),
]
