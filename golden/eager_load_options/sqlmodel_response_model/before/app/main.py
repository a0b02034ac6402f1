from fastapi import Depends, FastAPI, HTTPException
from sqlmodel import Field, Relationship, Session, SQLModel, create_engine


class UserBase(SQLModel):
    name: str
    age: int


class User(UserBase, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)

    addresses: list["Address"] = Relationship(back_populates="user")


class AddressPublic(SQLModel):
    id: int
    email: str


class Address(SQLModel, table=True):
    __tablename__ = "addresses"
    id: int | None = Field(default=None, primary_key=True)
    email: str
    user_id: int | None = Field(default=None, foreign_key="users.id")

    user: User | None = Relationship(back_populates="addresses")


class UserPublic(UserBase):
    id: int


class AddressPublicWithUser(AddressPublic):
    user: UserPublic | None = None


class UserPublicWithAddresses(UserPublic):
    addresses: list[AddressPublic] = []


engine = create_engine("sqlite:///./app.db")


def get_session():
    with Session(engine) as session:
        yield session


app = FastAPI()


@app.get("/addresses/{address_id}", response_model=AddressPublicWithUser)
def read_address(*, session: Session = Depends(get_session), address_id: int):
    # FastAPI reads address.user while serializing, outside this function.
    address = session.get(Address, address_id)
    if not address:
        raise HTTPException(status_code=404, detail="Address not found")
    return address


@app.get("/users/{user_id}", response_model=UserPublicWithAddresses)
def read_user(*, session: Session = Depends(get_session), user_id: int):
    user = session.get(User, user_id)
    if not user:
        raise HTTPException(status_code=404, detail="User not found")
    return user
