CALLS = [
    ("password_digest", (1,)),
    ("password_digest", (3,)),
]
