from fastapi import APIRouter, Depends

from .deps import ServiceDep, get_service
from .services import UserService

router = APIRouter()


@router.get("/names")
def names(service: ServiceDep) -> list[str]:
    return service.names()


@router.get("/count")
def count(service: UserService = Depends(get_service)) -> int:
    return len(service.names())


@router.get("/health")
def health() -> dict[str, bool]:
    return {"ok": True}
