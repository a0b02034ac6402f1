# /tables stays sync (nothing makes it async) and is reported: inspecting an AsyncEngine there
# raises, so it is not requested.
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("GET", "/schema"),
]
