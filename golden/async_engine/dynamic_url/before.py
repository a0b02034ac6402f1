import os

from sqlalchemy import create_engine

from .settings import settings

from_env = create_engine(os.environ["DATABASE_URL"])
from_settings = create_engine(settings.database_url, echo=settings.debug)
legacy_oracle = create_engine("oracle+cx_oracle://scott:tiger@tnsname")


def engine_for(url):
    return create_engine(url)
