# A route's response model nests a relationship: the query that produced the object loads it.
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("GET", "/users/1"),
    ("GET", "/users/3"),
    ("GET", "/users"),
]
