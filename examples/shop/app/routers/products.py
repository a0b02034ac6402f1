from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from sqlalchemy.orm import Session

from .. import crud, schemas
from ..database import get_db

router = APIRouter(prefix="/products", tags=["products"])


def _get_or_404(db: Session, product_id: int):
    product = crud.get_product(db, product_id)
    if product is None:
        raise HTTPException(status_code=404, detail="Product not found")
    return product


@router.post(
    "/", response_model=schemas.ProductOut, status_code=status.HTTP_201_CREATED
)
def create_product(product: schemas.ProductCreate, db: Session = Depends(get_db)):
    if crud.get_product_by_name(db, product.name) is not None:
        raise HTTPException(status_code=409, detail="Product name already exists")
    return crud.create_product(db, product)


@router.get("/", response_model=list[schemas.ProductOut])
def list_products(
    category: Optional[str] = None,
    skip: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
    db: Session = Depends(get_db),
):
    return crud.list_products(db, category=category, skip=skip, limit=limit)


@router.get("/categories")
def category_counts(db: Session = Depends(get_db)):
    rows = crud.count_products_by_category(db)
    return [{"category": category, "count": count} for category, count in rows]


@router.get("/unsold", response_model=list[schemas.ProductOut])
def unsold_products(db: Session = Depends(get_db)):
    return crud.unsold_products(db)


@router.get("/{product_id}", response_model=schemas.ProductOut)
def get_product(product_id: int, db: Session = Depends(get_db)):
    return _get_or_404(db, product_id)


@router.patch("/{product_id}", response_model=schemas.ProductOut)
def update_product(
    product_id: int, changes: schemas.ProductUpdate, db: Session = Depends(get_db)
):
    product = _get_or_404(db, product_id)
    return crud.update_product(db, product, changes)


@router.get("/{product_id}/orders", response_model=list[schemas.OrderOut])
def product_orders(product_id: int, db: Session = Depends(get_db)):
    _get_or_404(db, product_id)
    return crud.orders_containing_product(db, product_id)


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_product(product_id: int, db: Session = Depends(get_db)):
    product = _get_or_404(db, product_id)
    if crud.product_is_ordered(db, product_id):
        raise HTTPException(status_code=409, detail="Product has been ordered")
    crud.delete_product(db, product)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
