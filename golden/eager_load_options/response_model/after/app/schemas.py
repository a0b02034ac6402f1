from pydantic import BaseModel, ConfigDict


class AddressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: str


class UserBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class UserOut(UserBrief):
    addresses: list[AddressOut]
