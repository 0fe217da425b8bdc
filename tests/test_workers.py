"""Forked workers must die on SIGTERM, whatever handler the build installed."""

from __future__ import annotations

import multiprocessing
import signal
from types import FrameType

import pytest

from rectify_site.workers import pool


def _sigterm_handler(_: int) -> str:
    return "default" if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL else "custom"


def test_workers_take_sigterm_default_action() -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform has no fork start method")

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)  # as `rectify-site build` does
    try:
        with pool(2) as workers:
            seen = workers.map(_sigterm_handler, range(4))
    finally:
        signal.signal(signal.SIGTERM, before)
    assert seen == ["default"] * 4
