"""How many worker processes a phase may use, and whether it may fork at all.

Loading and rendering a large collection are split across forked processes: a forked
worker inherits the parent's modules, compiled templates and models, so only small
results travel back. Small sites stay in one process, where starting workers (about
0.1 s) would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

JOBS_ENV = "RECTIFY_SITE_JOBS"
"""Overrides the number of processes; 1 turns parallel work off."""


FORK_SAFE: set[int] = set()
"""Threads that may run while workers fork (their ident): each holds no lock a worker
could need, only its own pipe to a Pagefind service (search.EarlyIndex)."""


def can_fork() -> bool:
    """Fork only where it exists and no other thread runs (a fork copies held locks),
    save those known to be safe (FORK_SAFE)."""
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    safe = all(t.ident in FORK_SAFE for t in others if t.is_alive())
    return "fork" in multiprocessing.get_all_start_methods() and safe


def jobs_for(items: int, minimum: int) -> int:
    """Processes for ``items`` units of work: one per usable core, one below ``minimum``."""
    env = os.environ.get(JOBS_ENV, "")
    if env.isdigit() and int(env) > 0:
        jobs = int(env)
    elif items < minimum:
        return 1
    else:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return max(1, min(jobs, items)) if can_fork() else 1


def _default_signals() -> None:
    """Workers take SIGTERM's default action again.

    ``build`` turns SIGTERM into KeyboardInterrupt so that it can roll its writes back;
    a forked worker inherits that handler. Pool.terminate (run by every ``with pool``)
    stops workers with SIGTERM, and a worker that raised instead of dying could hold the
    task queue's lock as it unwound and leave its sibling, and the build, waiting forever.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def pool(jobs: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers (callers check ``can_fork`` first)."""
    return multiprocessing.get_context("fork").Pool(jobs, initializer=_default_signals)
