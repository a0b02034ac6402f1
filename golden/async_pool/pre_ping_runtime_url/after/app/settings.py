"""The database URL is assembled at run time, from the environment."""
import os


class Settings:
    driver = os.environ.get("APP_DB_DRIVER", "sqlite")
    path = os.environ.get("APP_DB_PATH", "./app.db")

    @property
    def database_url(self) -> str:
        return f"{self.driver}:///{self.path}"


settings = Settings()
