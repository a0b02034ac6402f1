from fastapi import APIRouter, Depends

from .deps import ServiceDep, get_service
from .services import UserService

router = APIRouter()


@router.get("/names")
async def names(service: ServiceDep) -> list[str]:
    return await service.names()


@router.get("/count")
async def count(service: UserService = Depends(get_service)) -> int:
    return len(await service.names())


@router.get("/health")
def health() -> dict[str, bool]:
    return {"ok": True}
