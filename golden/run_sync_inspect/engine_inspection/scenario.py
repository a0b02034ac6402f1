APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("GET", "/schema"),
    ("GET", "/tables"),
]
