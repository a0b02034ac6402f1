# The async side keeps expire_on_commit=True, as this project's sessionmaker does.
SESSION = {"expire_on_commit": True}
CALLS = [
    ("app.routes:rename", (1, "zed")),
    ("app.routes:rename", (9, "zed"), "raises"),
    ("app.routes:create", ("dora", 22)),
    ("app.routes:birthday", (2,)),
    ("app.routes:swap_ages", (2,)),
    ("app.routes:refreshed_already", ("eve",)),
]
# `create` returns the new user for a response model: the migrated code refreshes it at the commit
# (1 SELECT); the sync app re-SELECTs it later, when the response model reads it — outside this call.
PARITY_EXCEPTIONS = {"create": "refreshed for the response model that reads it after the call"}
