from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy.orm import Session

from .. import crud, schemas
from ..database import get_db

router = APIRouter(prefix="/users", tags=["users"])


@router.post("/", response_model=schemas.UserOut, status_code=status.HTTP_201_CREATED)
def create_user(user: schemas.UserCreate, db: Session = Depends(get_db)):
    if crud.get_user_by_email(db, user.email) is not None:
        raise HTTPException(status_code=409, detail="Email already registered")
    return crud.create_user(db, user)


@router.get("/", response_model=list[schemas.UserOut])
def list_users(
    skip: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
    db: Session = Depends(get_db),
):
    return crud.list_users(db, skip=skip, limit=limit)


@router.get("/emails")
def list_user_emails(db: Session = Depends(get_db)):
    rows = crud.list_user_emails(db)
    return [{"id": row.id, "email": row.email} for row in rows]


@router.get("/top-customers")
def top_customers(min_orders: int = Query(1, ge=1), db: Session = Depends(get_db)):
    return [
        {"id": user_id, "email": email, "order_count": count}
        for user_id, email, count in crud.top_customers(db, min_orders=min_orders)
    ]


@router.get("/{user_id}", response_model=schemas.UserOut)
def get_user(user_id: int, db: Session = Depends(get_db)):
    user = crud.get_user(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.get("/{user_id}/orders", response_model=list[schemas.OrderOut])
def list_user_orders(user_id: int, db: Session = Depends(get_db)):
    user = crud.get_user(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return sorted(user.orders, key=lambda order: order.id)


@router.get("/{user_id}/spent")
def user_total_spent(user_id: int, db: Session = Depends(get_db)):
    if crud.get_user(db, user_id) is None:
        raise HTTPException(status_code=404, detail="User not found")
    return {
        "user_id": user_id,
        "order_count": crud.count_orders_for_user(db, user_id),
        "spent": crud.total_spent(db, user_id),
    }


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(user_id: int, db: Session = Depends(get_db)):
    user = crud.get_user(db, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    crud.delete_user(db, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
