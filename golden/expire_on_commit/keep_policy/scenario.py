# expire-on-commit = "keep": after, the project's own async_sessionmaker still expires on commit,
# and the reads after each commit are refreshed at the commit (or reported).
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("POST", "/users/2/rename", {"name": "bobby"}),
    ("POST", "/users", {"name": "dora", "age": 22}),
    ("GET", "/users/oldest", {"name": "nobody"}),
]
