# User 1 has two addresses, user 3 none: read through **common_args' relationship, loaded with its parent.
CALLS = [
    ("mails_of", (1,)),
    ("mails_of", (3,)),
]
