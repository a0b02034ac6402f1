import os

from sqlalchemy.ext.asyncio import create_async_engine

from .settings import settings

from_env = create_async_engine(os.environ["DATABASE_URL"])
from_settings = create_async_engine(settings.database_url, echo=settings.debug)
legacy_oracle = create_async_engine("oracle+cx_oracle://scott:tiger@tnsname")


def engine_for(url):
    return create_async_engine(url)
