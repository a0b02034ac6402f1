APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("GET", "/users/count"),
    ("GET", "/users/3/name"),
    ("GET", "/users/1/name"),
]
