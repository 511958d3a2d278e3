"""Files the app writes for itself (instance folder, mail outbox): private to its user, 0600."""

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PRIVATE = 0o600


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 unless it exists, and return it.

    SQLite gives its -wal and -shm files the mode of the database file, so creating a database
    file this way before the first connection keeps all three private.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: readers see the old file or the whole new one."""
    with private_writer(path) as stream:
        stream.write(data)
    return path


@contextlib.contextmanager
def private_writer(path: Path) -> Iterator[BinaryIO]:
    """A stream whose bytes replace ``path`` atomically when the block ends without error.

    For files too large to hold in memory first (exports); see ``private_replacement``.
    """
    with private_replacement(path) as tmp, tmp.open("wb") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


@contextlib.contextmanager
def private_replacement(path: Path) -> Iterator[Path]:
    """A path to write (by a program, such as SQLite or pg_dump) that replaces ``path``
    atomically when the block ends without error.

    It is an empty 0600 temporary file in the same folder, renamed over ``path`` at the end; an
    error, or a crash, leaves at most a stray ``.tmp`` file, never half a file under its name.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE))
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
