# expire-on-commit = "keep": the session still expires at the commit; the collection read after it
# is refreshed there (the relationship, read after an expiring commit, is loaded with its parent).
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("POST", "/users/1/addresses", {"email": "new@x.org"}),
    ("POST", "/users/3/addresses", {"email": "first@x.org"}),
]
