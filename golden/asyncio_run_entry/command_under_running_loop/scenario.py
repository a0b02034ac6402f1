# A typer command reached from a route made async, through sync code: an event loop runs where
# the command runs its call of code made async, so the helper runs it on a new loop in a worker
# thread, blocking the route as the sync code did; the route then sees the row it wrote.
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("POST", "/users", {"name": "dora"}),
    ("POST", "/users", {"name": "erin"}),
]
