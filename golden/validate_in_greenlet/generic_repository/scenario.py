# A repository generic over its model and schema validates what it created (after commit and
# refresh: the relationship `user` is not loaded) and what it queried (lazy `user` never loaded).
# Sync: model_validate reads `user`, which lazy-loads. Async without the rule: MissingGreenlet;
# with it, the validation runs in the session's greenlet and runs the same lazy loads.
CALLS = [
    ("AddressRepository.create", ({"email": "new@x.org", "user_id": 2},)),
    ("AddressRepository.get_many", ([1, 2, 3],)),
]
