# SQLModel table models with Relationship(...) (the lazy default) and response models whose fields
# name them (`user: UserPublic | None`, `addresses: list[AddressPublic]`): the session.get that
# produced the object loads them (joinedload for the many-to-one, selectinload for the list).
# Other classes named User and Address (app/legacy.py) do not hide the ones main.py defines.
APP = "app.main:app"
DATABASE = "app.db"
REQUESTS = [
    ("GET", "/addresses/1"),
    ("GET", "/addresses/3"),
    ("GET", "/users/1"),
    ("GET", "/users/3"),
]
