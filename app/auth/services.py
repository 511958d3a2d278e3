from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import db

from .models import User

# Checked when no user matches, so a wrong email takes as long as a wrong password.
_NO_USER_HASH = generate_password_hash("no such user")


def hash_password(password: str) -> str:
    """scrypt through Werkzeug: salted, memory-hard, and the hash records its own parameters."""
    return generate_password_hash(password)


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None; never says which of the two was wrong."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_NO_USER_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None
