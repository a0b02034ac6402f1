from fastapi import FastAPI

from . import legacy, users

app = FastAPI()
app.include_router(users.router)
app.include_router(legacy.router)
