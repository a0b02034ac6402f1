# expire-on-commit = "keep": the async session starts expiring, as the sync one; the assignment
# reaches the sync session the AsyncSession wraps, and the reads give the value in effect.
SESSION = {"expire_on_commit": True}
CALLS = [
    ("app.users:rename", (2, "bobby", False)),
    ("app.users:rename", (3, "caro", True)),
]
