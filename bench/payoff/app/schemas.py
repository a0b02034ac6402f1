from pydantic import BaseModel, ConfigDict


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
    title: str
    category: str
    price: float
    stock: int


class StockUpdate(BaseModel):
    stock: int


class SellerStats(BaseModel):
    user_id: int
    name: str
    items: int
    revenue: float
    rating: float | None
