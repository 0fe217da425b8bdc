"""Progress of a long build: phases and a bar on a terminal, nothing anywhere else.

The pipeline reports to a :class:`Progress` (the default reports nothing) and never
touches the terminal itself. The CLI passes :func:`for_terminal`'s reporter, which draws
with tqdm on stderr only when stderr is a terminal and ``--quiet`` is not given; the bar
appears only once a phase has taken a moment (short builds print nothing extra) and is
cleared when the phase ends, so the final summary line is the same with or without it.
"""

from __future__ import annotations

import sys
from typing import IO, Any

PHASES: dict[str, tuple[str, str]] = {
    "load": ("加载", "load"),
    "render": ("渲染", "render"),
    "write": ("写入", "write"),
    "index": ("索引", "index"),
    "check": ("检查", "check"),
}
"""Phase key -> (中文, English) label."""

DELAY = 0.3
"""Seconds a phase runs before its bar appears."""


class Progress:
    """Receives the pipeline's phases and steps; this base class shows nothing."""

    def phase(self, name: str, total: int | None = None) -> None:
        """A phase (a key of PHASES) starts, with ``total`` steps when they are known."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current phase are done."""

    def close(self) -> None:
        """The pipeline is done (or failed): clear whatever is shown."""


NO_PROGRESS = Progress()


class TerminalProgress(Progress):
    """tqdm bars on ``stream``, one per phase, each cleared when the next one starts."""

    def __init__(self, stream: IO[str], *, lang: str = "zh", delay: float = DELAY) -> None:
        self.stream = stream
        self.lang = lang
        self.delay = delay
        self.bar: Any = None
        self.phases: list[str] = []
        """The phases reported, in order (for tests)."""

    def phase(self, name: str, total: int | None = None) -> None:
        from tqdm import tqdm  # type: ignore[import-untyped]  # only when a terminal watches

        tqdm.monitor_interval = 0  # no monitor thread: with one, the build could not fork
        self.close()
        self.phases.append(name)
        zh, en = PHASES.get(name, (name, name))
        label = en if self.lang == "en" else zh
        fmt = (
            "{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]"
            if total
            else "{desc} … {n_fmt} [{elapsed}]"
        )
        self.bar = tqdm(
            total=total,
            desc=label,
            file=self.stream,
            leave=False,
            delay=self.delay,
            bar_format=fmt,
            dynamic_ncols=True,
            mininterval=0.1,
        )

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def for_terminal(*, quiet: bool, lang: str = "zh", stream: IO[str] | None = None) -> Progress:
    """The reporter for a command: bars when ``stream`` (stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    if quiet or not stream.isatty():
        return NO_PROGRESS
    return TerminalProgress(stream, lang=lang)
