# Queries after a commit of their session: the sync session had expired its objects, so they
# re-read the rows; the migrated queries overwrite the identity map's objects (populate_existing).
CALLS = [
    ("app.queries:emails_before_and_after", (1,)),
    ("app.queries:emails_before_and_after", (3,)),
    ("app.queries:renamed", (2,)),
]
