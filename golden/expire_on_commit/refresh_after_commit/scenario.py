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
