from fastapi import Depends, FastAPI, HTTPException
from sqlalchemy.orm import Session

from .database import get_db
from .models import Address, User

app = FastAPI()


@app.post("/users/{user_id}/addresses")
def add_address(user_id: int, email: str, db: Session = Depends(get_db)):
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    before = [a.email for a in user.addresses]
    # Added through the foreign key: the collection read after the commit must show it.
    db.add(Address(email=email, user_id=user_id))
    db.commit()
    return {"before": before, "after": [a.email for a in user.addresses]}
