from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.orm import Session

from .. import schemas
from ..database import get_db
from ..services import (
    InsufficientStockError,
    InvalidOrderError,
    NotFoundError,
    OrderService,
)

router = APIRouter(prefix="/orders", tags=["orders"])


@router.post("/", response_model=schemas.OrderOut, status_code=status.HTTP_201_CREATED)
def place_order(payload: schemas.OrderCreate, db: Session = Depends(get_db)):
    service = OrderService(db)
    try:
        return service.place_order(payload.user_id, payload.items)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc))
    except InsufficientStockError as exc:
        raise HTTPException(status_code=409, detail=str(exc))
    except InvalidOrderError as exc:
        raise HTTPException(status_code=400, detail=str(exc))


@router.get("/", response_model=schemas.OrderPage)
def list_orders(
    user_id: int,
    skip: int = Query(0, ge=0),
    limit: int = Query(20, ge=1, le=100),
    db: Session = Depends(get_db),
):
    service = OrderService(db)
    try:
        total, orders = service.list_orders_for_user(user_id, skip=skip, limit=limit)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc))
    return {"total": total, "items": orders}


@router.get("/{order_id}", response_model=schemas.OrderOut)
def get_order(order_id: int, db: Session = Depends(get_db)):
    order = OrderService(db).get_order(order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    return order


@router.get("/{order_id}/total", response_model=schemas.OrderTotal)
def order_total(order_id: int, db: Session = Depends(get_db)):
    service = OrderService(db)
    try:
        return service.order_summary(order_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc))


@router.post("/{order_id}/cancel", response_model=schemas.OrderOut)
def cancel_order(order_id: int, db: Session = Depends(get_db)):
    service = OrderService(db)
    try:
        return service.cancel_order(order_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=404, detail=str(exc))
    except InvalidOrderError as exc:
        raise HTTPException(status_code=409, detail=str(exc))
