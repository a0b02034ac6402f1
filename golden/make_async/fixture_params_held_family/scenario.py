# sqlite_users is stored in a fixture's params= with legacy_users, which the configuration holds
# sync: the fixture calls both through request.param, so they stay sync together (sqlite_users is
# reported), with the engine and session it builds for itself; count_users beside it is migrated.
CALLS = [
    ("app.users:sqlite_users", ("ann",)),
    ("app.users:count_users", ()),
]
