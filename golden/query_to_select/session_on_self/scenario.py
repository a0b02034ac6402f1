CALLS = [
    ("UserRepository.by_name", ("alice",)),
    ("UserRepository.by_name", ("nobody",)),
    ("UserRepository.email_count", (1,)),
    ("UserRepository.email_count", (3,)),
    ("UserRepository.newest", ()),
]
