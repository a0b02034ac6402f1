from fastapi import Depends, FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from golden_models import User

from .database import get_db
from .settings import settings

app = FastAPI()


@app.get("/users/count")
def count(db: Session = Depends(get_db)) -> int:
    return db.scalar(select(func.count()).select_from(User))


@app.get("/users/{user_id}/name")
def name(user_id: int, db: Session = Depends(get_db)) -> str:
    return db.get(User, user_id).name


@app.get("/settings/driver")
def driver() -> str:
    # Sync consumers (Alembic, scripts) read the setting: it keeps its sync driver.
    return make_url(settings.database_url).drivername
