# UserRepo's listings hand their queries to `paginate`, which counts and pages any query: they stay
# sync and run inside `run_sync` on the sync Session behind the repository's AsyncSession.
CALLS = [
    ("first_page", (2,)),
    ("first_page", (10,)),
    ("rename_and_count", ()),
    ("UserRepo.get", (2,)),
    ("UserRepo.summary", ()),
]
