import hashlib
import subprocess
import urllib.request

from sqlalchemy.orm import Session

from golden_models import User


def password_digest(db: Session, user_id: int) -> str:
    user = db.get(User, user_id)
    return hashlib.pbkdf2_hmac("sha256", user.name.encode(), b"salt", 1000).hex()


def notify(db: Session, user_id: int) -> int:
    name = db.get(User, user_id).name
    with urllib.request.urlopen(f"http://127.0.0.1:9/{name}") as response:
        return response.status


def version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout


async def already_async(user_id: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", str(user_id).encode(), b"salt", 1000).hex()
