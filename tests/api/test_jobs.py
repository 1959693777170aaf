"""The server's background jobs: they run on their interval and survive a failing round."""

import asyncio
import contextlib
import logging

import pytest

from digisom.api.app import _every


def test_a_job_runs_repeatedly_and_a_failure_does_not_stop_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def job() -> None:
        calls.append(len(calls))
        if len(calls) == 2:
            raise RuntimeError("one bad round")

    async def run_for_a_while() -> None:
        task = asyncio.create_task(_every("test job", 0.01, job))
        while len(calls) < 4:
            await asyncio.sleep(0.01)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.ERROR, logger="digisom.api"):
        asyncio.run(asyncio.wait_for(run_for_a_while(), timeout=10))
    assert len(calls) >= 4
    assert "test job failed" in caplog.text
