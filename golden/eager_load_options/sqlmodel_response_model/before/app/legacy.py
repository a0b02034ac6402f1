from sqlmodel import SQLModel


class User(SQLModel):
    """The previous API's user record, not a table: a class named like app.main.User elsewhere."""

    name: str


class Address(SQLModel):
    email: str
