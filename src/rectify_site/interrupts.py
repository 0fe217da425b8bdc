"""Ctrl-C and SIGTERM: a build is undone until its new site is in place, then held.

One state (``HOLD``) and one handler (``interrupt``) serve the whole process. The command
line installs the handler around a build (``unwinding``); the writer (build/output.py)
holds signals from the moment the new site is complete (``hold``) and while a failed write
is rolled back (``held_signals``); ``main`` and the script's entry point end the process
with ``interrupted`` and ``leave``. Until a handler is installed, Ctrl-C is Python's own
KeyboardInterrupt, which the command line turns into exit 130 as well.

A ground-floor module: it imports only the standard library.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""What a person (Ctrl-C) or a supervisor (a CI job cancelled, a service stopped) sends."""

EXIT_INTERRUPTED = 130
"""The exit status of an interrupted command, as a shell reports Ctrl-C."""

INTERRUPTED = "rectify-site: interrupted"
"""What an interrupted command prints on stderr, in every language."""


@dataclass
class _Hold:
    """Whether SIGINT and SIGTERM are held instead of unwinding the build (see
    ``interrupt``): from the moment the new site is in place, and while one is rolled back."""

    active: bool = False
    caught: list[int] = field(default_factory=list)
    process_ends: bool = False
    """True when the script's entry point (``leave``) ends the process once the command is
    done: the handlers then stay until the process exits."""


HOLD = _Hold()


def interrupt(signum: int, frame: object) -> None:
    """The handler ``build`` installs for SIGINT and SIGTERM.

    Until the new site is complete, a signal unwinds the build (KeyboardInterrupt) and
    every file is put back: exit 130 with the last good site. From the moment the last
    rename (and the search index) is done, it is held instead: the build finishes and
    exits 0 with exactly the new site. A signal during a rollback is held too, so that the
    rollback always completes.
    """
    if HOLD.active:
        HOLD.caught.append(signum)
        return
    raise KeyboardInterrupt


def unwind(signum: int, frame: object) -> None:
    """A handler that makes SIGTERM stop a command as Ctrl-C does (the preview's)."""
    raise KeyboardInterrupt


def hold() -> None:
    """The new site is committed: from here on, signals are held, never unwinding."""
    HOLD.active = True


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (under ``interrupt``) while a few steps run that must not be
    left half done. One that came meanwhile takes effect at the end, unless signals were
    held already (the site committed): then it stays held."""
    was, seen, HOLD.active = HOLD.active, len(HOLD.caught), True
    try:
        yield
    finally:
        HOLD.active = was
        if not was and len(HOLD.caught) > seen:
            del HOLD.caught[seen:]
            raise KeyboardInterrupt  # the interrupt that was held comes now


@contextlib.contextmanager
def unwinding() -> Iterator[_Hold]:
    """Run the body with SIGINT and SIGTERM under ``interrupt``: before the new site is
    complete they unwind it (KeyboardInterrupt), which puts the last good site back; once
    it is complete they are held, and ``HOLD.caught`` lists them.

    From the script the handlers stay until the process exits (``leave`` then blocks both
    signals): a signal that arrived just before a restore would be run by the restored
    handler (Python runs handlers late, between bytecodes) and turn a complete build into
    an exit 130. Called in-process (``main([...])``), the previous handlers come back.
    """
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    HOLD.active, HOLD.caught = False, []
    for s in previous:
        signal.signal(s, interrupt)
    unraisable = sys.unraisablehook

    def again(info: Any) -> None:
        """An interrupt raised where it cannot propagate (a weakref callback, a __del__)
        would be printed and lost: ask for it again, to arrive where it can unwind."""
        if isinstance(info.exc_value, KeyboardInterrupt):
            import _thread
            import threading

            try:
                _thread.interrupt_main()
            except KeyboardInterrupt:
                # its handler ran at once, here in the hook, where it cannot unwind
                # either: ask again from a thread, to arrive once the hook has returned
                threading.Timer(0.01, _thread.interrupt_main).start()
        else:
            unraisable(info)

    sys.unraisablehook = again
    try:
        yield HOLD
    finally:
        if not HOLD.process_ends:
            for s, handler in previous.items():
                signal.signal(s, handler)
            sys.unraisablehook = unraisable
            HOLD.active, HOLD.caught = False, []


def interrupted() -> int:
    """``main``'s answer to an interrupt that unwound a command: say so, exit 130.

    Everything has been put back by then; from the script nothing may interrupt the exit,
    so signals are held again when the process ends with the command.
    """
    HOLD.active = HOLD.process_ends
    print(INTERRUPTED, file=sys.stderr)
    return EXIT_INTERRUPTED


def leave(code: int) -> NoReturn:
    """End the script's process with ``code``, which the command returned.

    Once the command has returned, SIGINT and SIGTERM are blocked: the interpreter restores
    their default action while it shuts down, and a signal then would kill a process whose
    work is done (status -2 for a build that is complete). After an interrupt (130) the
    process leaves at once: CPython marks a KeyboardInterrupt raised while an extension
    module ran Python code through ``PyRun_*`` as unhandled even once it is caught, and at
    exit would kill the process with SIGINT. Everything was put back and printed by then.
    """
    import os

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, set(SIGNALS))
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    sys.exit(code)
