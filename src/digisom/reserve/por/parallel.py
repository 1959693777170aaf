"""Run a handful of CPU-bound tasks on separate cores by forking, sharing anonymous mmaps.

A forked child sees the parent's memory as it was at the fork, and any `mmap.mmap(-1, n)` made
before the fork is shared both ways, so children write their results straight into the parent's
buffers: no pickling of hundreds of megabytes. Tasks report only through those buffers.
"""

import mmap
import multiprocessing
from collections.abc import Callable, Sequence
from typing import Final

from digisom.errors import invariant

CHILD_TIMEOUT_S: Final = 900
"""A build child that has not finished in 15 minutes is stuck, not slow (7M leaves take ~20 s)."""


def fork_available() -> bool:
    """Forking is what makes shared anonymous mmaps work; without it the build runs in-process."""
    return "fork" in multiprocessing.get_all_start_methods()


def shared_buffer(size_bytes: int) -> mmap.mmap:
    """Zeroed memory that a forked child can write and the parent can read (MAP_SHARED)."""
    invariant(size_bytes >= 0, "buffer size is not negative")
    return mmap.mmap(-1, max(size_bytes, 1))


def run_tasks(tasks: Sequence[Callable[[], None]]) -> None:
    """Run `tasks[0]` here and each other task in a forked child; return when all are done.

    A child that fails or hangs is a bug in the builder (its inputs were validated before), so it
    breaks an invariant instead of being retried.
    """
    invariant(len(tasks) >= 1, "at least one task")
    if len(tasks) == 1:
        tasks[0]()
        return
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=task, daemon=True) for task in tasks[1:]]
    for child in children:
        child.start()
    try:
        tasks[0]()
    finally:
        for child in children:
            child.join(CHILD_TIMEOUT_S)
            if child.is_alive():
                child.terminate()
                child.join()
    for child in children:
        invariant(child.exitcode == 0, f"build worker failed with exit code {child.exitcode}")
