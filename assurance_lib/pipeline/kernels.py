"""How the run starts its notebook kernels: over IPC (Unix sockets), not TCP.

ipykernel 7.3 and later warn at every start of a kernel bound to TCP without transport
encryption ("Kernel is running over TCP without encryption ... susceptible to eavesdropping").
The run's kernels only ever talk to the run on the same machine, so the cause is removed by
binding them to Unix domain sockets in a private folder (mode 0700) instead of local TCP ports.
The socket path must be absolute: jupyter_client's default IPC name is relative, and the kernel
and the run resolve it from different working folders.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["ipc_kernel_config"]


@contextmanager
def ipc_kernel_config() -> Iterator[dict[str, Any]]:
    """Keyword arguments for ``papermill.execute_notebook`` that start the kernel over IPC.

    On Windows (no Unix sockets) nothing is changed. The socket folder is removed afterwards.
    """
    if os.name == "nt":  # pragma: no cover - the quarterly run is on Linux
        yield {}
        return
    from traitlets.config import Config

    folder = tempfile.mkdtemp(prefix="assurance-kernel-")
    try:
        yield {"config": Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
