"""The period's lock: at most one run writes to ``outputs/<slug>/`` at a time.

Design (the simplest one that is correct under races and crashes): the lock is an advisory
``fcntl.flock`` on the file ``outputs/<slug>/.lock``, held open for the whole run.

- *Taking it is atomic*: the kernel grants an exclusive ``flock`` on a file to one open file
  at a time. A run opens (creating if need be) the lock file and asks for the lock without
  waiting; if another run holds it, the run stops with :class:`RunLocked` (exit 2).
- *A stale lock is taken over atomically*, because there is no stale lock: the kernel releases
  a ``flock`` when its holder's process ends in any way (``kill -9``, a crash, a power cut of
  the process). A lock file left behind is just a file; the next run locks it in one step, with
  no reading of process ids and no unlink-then-create window (which let two runs both hold the
  old lock in 14 of 100 trials).
- *Releasing*: the holder removes the file while it still holds the lock, then closes it. A run
  that opened the file just before it was removed may then get the lock on the removed file; so
  after locking, a run checks that the path still names the file it locked (same device and
  inode) and otherwise starts again. Hence at most one run ever holds the lock on the file the
  path names.
- The holder writes its process id, host and start time into the file, only so that a refused
  run can say who holds it. Never delete the lock file by hand: it is never needed (a lock whose
  run has ended is free already) and it would let a second run start beside a live one.

The lock file descriptor is not inherited by the notebook kernels (Python opens files
non-inheritable), so a kernel left running cannot keep the lock. ``flock`` is local to one
machine (and to NFS clients where the server supports it): run a period's packs from one machine.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from pathlib import Path
from typing import Any

__all__ = ["RunLocked", "RunLock"]


class RunLocked(Exception):
    """Another run is writing to the same output folder."""


class RunLock:
    """The exclusive lock of one period's output folder, as a context manager.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with RunLock(folder / ".lock") as lock:
    ...     lock.held
    True
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`RunLocked` at once if another run holds it."""
        if self._fd is not None:
            raise RuntimeError("the lock is already held by this object")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise RunLocked(self._held_message()) from None
            except BaseException:
                os.close(fd)
                raise
            if self._names(fd):
                break
            os.close(fd)  # the holder removed the file after we opened it: lock the one the path names now
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}\nhost {socket.gethostname()}\nstarted {started}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Remove the lock file (while still holding it) and release the lock."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if self._names(fd):
                self.path.unlink()
        finally:
            os.close(fd)

    def _names(self, fd: int) -> bool:
        """Whether the lock path names the file open as ``fd``."""
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except FileNotFoundError:
            return False

    def _held_message(self) -> str:
        info: dict[str, str] = {}
        try:
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines()[:3]:
                key, _, value = line.partition(" ")
                info[key] = value.strip()
        except OSError:
            pass
        who = f"process {info.get('pid') or 'unknown'}"
        if info.get("host"):
            who += f" on {info['host']}"
        if info.get("started"):
            who += f", started {info['started']}"
        return f"another run ({who}) is writing to {self.path.parent}; wait for it to finish"

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
