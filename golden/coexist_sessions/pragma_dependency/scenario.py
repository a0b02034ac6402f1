# The dependency commits after the route returns: the async twin must too.
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("POST", "/users", {"name": "dave", "age": 52}),
    ("GET", "/users"),
]
