"""Reading and writing source files without losing a byte: encodings, BOM, newlines, mode bits.

libcst parses bytes and keeps the encoding (PEP 263 cookie or BOM) and the newline style, so a
module's ``.bytes`` round-trips exactly; writing goes through a temporary file in the same folder
and ``os.replace``, so a file is always wholly old or wholly new.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SourceError(Exception):
    """A file that cannot be processed (unreadable, undecodable, does not parse)."""


def read_source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically, keeping its permission bits."""
    if path.is_symlink():
        raise SourceError("is a symlink; not written (resolve it and run on the target)")
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
    # The mode bits, not only ``os.access``: root may write anything, but a file its owner made
    # read-only is a statement that it must not change.
    if path.exists() and (not mode & stat.S_IWUSR or not os.access(path, os.W_OK)):
        raise SourceError("is read-only; not written")
    with _signals_deferred():
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".asyncify-tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM for the few milliseconds of one file's write: Ctrl-C lands between
    files, never between creating the temporary file and renaming it."""
    can_block = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if not can_block:
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
