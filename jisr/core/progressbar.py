"""A terminal progress bar (done/total, rate, ETA) fed by a Progress; plain lines off a TTY."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from jisr.core.jobs import Progress


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class ProgressBar:
    """Call it with a Progress; redraws at most `interval` seconds apart."""

    def __init__(
        self, stream: TextIO | None = None, *, interval: float = 0.2, width: int = 30
    ) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.width = width
        self._drawn_at = 0.0
        self._stage = ""
        self.tty = self.stream.isatty()

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        job = progress.job
        new_stage = job.stage != self._stage
        if not new_stage and now - self._drawn_at < self.interval and job.done != job.total:
            return
        if new_stage and self._stage and self.tty:
            self.stream.write("\n")
        self._stage, self._drawn_at = job.stage, now
        self.stream.write(self.line(progress) + ("\r" if self.tty else "\n"))
        self.stream.flush()

    def line(self, progress: Progress) -> str:
        job = progress.job
        rate = f"{progress.rate:,.0f}/s"
        if job.total:
            share = min(1.0, job.done / job.total)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            return (
                f"{job.stage:<24} [{bar}] {job.done:,}/{job.total:,} {share:6.1%} "
                f"{rate} ETA {_duration(progress.eta_seconds)}"
            )
        return f"{job.stage:<24} {job.done:,} {rate}"

    def close(self) -> None:
        if self.tty and self._stage:
            self.stream.write("\n")
            self.stream.flush()
