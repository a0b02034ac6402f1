# The session a generator yields and a parameter typed Session are AsyncSessions after the
# migration: a class check of them names AsyncSession (else False after, True before).
CALLS = [
    ("check_and_list", ()),
    ("is_a_session", ()),
]
