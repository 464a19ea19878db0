"""The files a batch keeps beside OUT while it runs: the progress journal and the writer's lock.

``OUT.progress.json`` is replaced atomically (write, fsync, rename) at every commit with the counts
so far; ``--resume`` starts from it. ``OUT.lock`` makes one batch the only writer of OUT: it holds a
POSIX record lock (``fcntl.lockf``) on it for as long as it runs, so a second batch on the same OUT
is refused at once, and a lock left by a killed batch is stale by construction (the kernel drops the
lock with its process) and is simply taken over. The lock is not inherited by forked workers.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nlp.batch.inputs import one_line
from nlp.records import IrtoneError

JOURNAL_VERSION = 5  # 2: `period`, 3: `tone_words`, 4: Parquet rows in one file, 5: `status`, keys, OUT.tmp
# an interrupted run of an older version is not resumed


def journal_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".progress.json")


def lock_path(out: str | Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".lock")


def read_journal(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise IrtoneError(path, f"progress file is unreadable ({one_line(err)}); rerun without --resume") from None
    if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
        raise IrtoneError(path, "progress file is from another irtone version; rerun without --resume")
    return data


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


_HELD: set[str] = set()  # the lock files this process holds


class OutputLock:
    """``with OutputLock(out):`` — this process is the one batch writing ``out``, or ``IrtoneError``.

    The lock file holds the owner's pid (for the message). Taking it: open (or create) the file,
    ``lockf`` it without waiting, then check that the path still names the locked file (a batch
    finishing just now unlinks it; then try again on the new one)."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.path = lock_path(out)
        self.fd: int | None = None

    def acquire(self) -> OutputLock:
        import fcntl

        key = str(self.path.resolve())
        if key in _HELD:  # POSIX locks do not exclude their own process: a second batch in this one
            raise IrtoneError(self.out, "another irtone batch is writing it (in this process); wait for it "
                                        "to finish or choose another --out")
        for _ in range(100):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as err:
                raise IrtoneError(self.path, f"cannot create the lock file ({err.strerror or err})") from None
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = _read_owner(fd)
                os.close(fd)
                who = f" (pid {owner})" if owner else ""
                raise IrtoneError(self.out, f"another irtone batch is writing it{who}; wait for it to finish "
                                            "or choose another --out") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self.fd = fd
                self.key = key
                _HELD.add(key)
                return self
            os.close(fd)  # unlinked by its owner between our open and lock: take the new one
        raise IrtoneError(self.path, "cannot take the lock file (it keeps being replaced)")

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # while still holding the lock: whoever opens it next finds a new file
        except FileNotFoundError:
            pass
        os.close(self.fd)
        self.fd = None
        _HELD.discard(self.key)

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


def _read_owner(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""
