"""The period's lock (issue 14): one holder at a time, even with a stale lock and many racing runs.

Before this lock, with a stale lock present two runs of one period both held the lock in 14 of
100 trials (each removed the stale file and created its own). These tests race real processes.
They are forked from the test process (``_racers``): a spawned process would import the whole
library again (about 5 s each on a 2-core machine), and the lock is per process either way.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assurance_lib.pipeline import RunLock, RunLocked

PROCESSES = 8
TRIALS = 50
CHURN_ROUNDS = 1000  # each process takes and releases the lock this many times (a second with forked processes)


def _dead_pid() -> int:
    """The id of a process that has ended."""
    out = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(out.stdout)


def _leave_stale_lock(path: Path, pid: int) -> None:
    """A lock file as a run killed with ``kill -9`` leaves it: present, naming a dead process, held by nobody."""
    path.write_text(f"pid {pid}\nhost somewhere\nstarted 2026-07-01T00:00:00+00:00\n")


def _contend(lock_path: str, dead_pid: int, barrier, held, index: int) -> None:
    """One of the racing runs: in each trial, try the lock once while the others try too."""
    path = Path(lock_path)
    for t in range(TRIALS):
        barrier.wait()  # all ready, the stale lock in place
        lock = RunLock(path)
        try:
            lock.acquire()
        except RunLocked:
            pass
        barrier.wait()  # every process has tried while any holder still holds
        held[t * PROCESSES + index] = int(lock.held)
        lock.release()
        barrier.wait()  # all released
        if index == 0:
            _leave_stale_lock(path, dead_pid)


def _racers():
    """Processes forked from this one (separate processes, each opening the lock itself); where the
    platform cannot fork, spawned."""
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def test_racing_runs_with_a_stale_lock_have_exactly_one_holder_each_time(tmp_path: Path) -> None:
    ctx = _racers()
    lock = tmp_path / "2026-27-Q2" / ".lock"
    lock.parent.mkdir()
    dead = _dead_pid()
    _leave_stale_lock(lock, dead)
    barrier = ctx.Barrier(PROCESSES)
    held = ctx.Array("i", PROCESSES * TRIALS)
    procs = [ctx.Process(target=_contend, args=(str(lock), dead, barrier, held, i)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    holders = [sum(held[t * PROCESSES : (t + 1) * PROCESSES]) for t in range(TRIALS)]
    assert holders == [1] * TRIALS  # never two holders, and the stale lock never stops every run


def _churn(lock_path: str, guard, inside, most, got, index: int) -> None:
    """Take and release the lock over and over, counting how many processes are inside at once."""
    path = Path(lock_path)
    for _ in range(CHURN_ROUNDS):
        try:
            with RunLock(path):
                with guard:
                    inside.value += 1
                    most.value = max(most.value, inside.value)
                time.sleep(0.0005)
                with guard:
                    inside.value -= 1
                got[index] += 1
        except RunLocked:
            time.sleep(0.0001)


def test_taking_and_releasing_under_churn_never_lets_two_in(tmp_path: Path) -> None:
    # Releasing removes the lock file; a run that opened it just before may then lock the removed
    # file. The lock must notice and start again, or two runs would be inside at once.
    ctx = _racers()
    lock = tmp_path / ".lock"
    guard = ctx.Lock()
    inside, most = ctx.Value("i", 0, lock=False), ctx.Value("i", 0, lock=False)
    got = ctx.Array("i", PROCESSES)
    procs = [ctx.Process(target=_churn, args=(str(lock), guard, inside, most, got, i)) for i in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert all(p.exitcode == 0 for p in procs)
    assert most.value == 1
    assert sum(got) > 0


_HOLDER = """
import sys, time
from pathlib import Path
from assurance_lib.pipeline import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_a_live_holder_refuses_and_a_killed_one_is_taken_over(tmp_path: Path) -> None:
    lock = tmp_path / ".lock"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=rf"another run \(process {holder.pid} on .*\) is writing to "):
            RunLock(lock).acquire()
        os.kill(holder.pid, signal.SIGKILL)  # the run dies without releasing: its lock file stays
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert lock.is_file() and f"pid {holder.pid}" in lock.read_text()
    with RunLock(lock) as taken:  # the stale lock is taken over in one step
        assert taken.held
        assert lock.read_text().startswith(f"pid {os.getpid()}\n")
    assert not lock.exists()


def test_a_lock_file_naming_a_live_process_but_held_by_nobody_is_free(tmp_path: Path) -> None:
    # The file's content is only for the message: what holds the lock is the kernel's flock,
    # which ends with the process that took it. (The old lock trusted the file and had to guess.)
    lock = tmp_path / ".lock"
    lock.write_text(f"pid {os.getpid()}\n")
    with RunLock(lock) as taken:
        assert taken.held
    assert not lock.exists()


def test_the_same_process_cannot_take_the_lock_twice(tmp_path: Path) -> None:
    with RunLock(tmp_path / ".lock"):
        with pytest.raises(RunLocked, match=f"process {os.getpid()}"):
            RunLock(tmp_path / ".lock").acquire()
