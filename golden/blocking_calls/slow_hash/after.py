import hashlib
import subprocess
import urllib.request

from sqlalchemy.ext.asyncio import AsyncSession

from golden_models import User


async def password_digest(db: AsyncSession, user_id: int) -> str:
    user = await db.get(User, user_id)
    return hashlib.pbkdf2_hmac("sha256", user.name.encode(), b"salt", 1000).hex()


async def notify(db: AsyncSession, user_id: int) -> int:
    name = (await db.get(User, user_id)).name
    with urllib.request.urlopen(f"http://127.0.0.1:9/{name}") as response:
        return response.status


def version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout


async def already_async(user_id: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", str(user_id).encode(), b"salt", 1000).hex()
