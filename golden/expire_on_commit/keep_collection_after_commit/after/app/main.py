from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from .database import get_db
from .models import Address, User

app = FastAPI()


@app.post("/users/{user_id}/addresses")
async def add_address(user_id: int, email: str, db: AsyncSession = Depends(get_db)):
    user = await db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    before = [a.email for a in user.addresses]
    # Added through the foreign key: the collection read after the commit must show it.
    db.add(Address(email=email, user_id=user_id))
    await db.commit()
    await db.refresh(user)
    return {"before": before, "after": [a.email for a in user.addresses]}
