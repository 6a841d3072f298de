"""Watch a course folder by polling (no dependency), and debounce bursts of changes.

Every ``interval`` seconds the watcher takes a snapshot of the folder: each file's path,
modification time and size (hidden files and folders are skipped, as are editor swap files).
When the snapshot differs from the last one it waits until the folder has been quiet for
``debounce`` seconds (an editor's save is often several writes), then calls ``on_change`` once.
A change made while ``on_change`` runs is picked up by the next poll.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

Snapshot = Dict[str, Tuple[int, int]]

#: Temporary files editors write next to the file being saved.
IGNORED = re.compile(r"^(\.|#)|(~|\.sw[pox]|\.tmp|\.part)$")


def snapshot(root: Path) -> Snapshot:
    """``{relative path: (mtime_ns, size)}`` for every file under *root* that an edit can touch."""
    out: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if IGNORED.search(name):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:  # deleted between listing and stat
                continue
            out[os.path.relpath(path, root)] = (st.st_mtime_ns, st.st_size)
    return out


class Watcher:
    """A daemon thread that calls ``on_change()`` after the folder changed and settled."""

    def __init__(self, root: Path, on_change: Callable[[], None], interval: float = 0.3, debounce: float = 0.2):
        self.root = Path(root)
        self.on_change = on_change
        self.interval = interval
        self.debounce = debounce
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._last = snapshot(self.root)

    def start(self) -> "Watcher":
        self._thread = threading.Thread(target=self._run, name="coursepack-preview-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            current = snapshot(self.root)
            if current == self._last:
                continue
            # Settle: wait until nothing changed for `debounce` seconds.
            settled_at = time.monotonic()
            while not self._stop.is_set():
                if self._stop.wait(min(self.interval, self.debounce)):
                    return
                again = snapshot(self.root)
                if again != current:
                    current, settled_at = again, time.monotonic()
                elif time.monotonic() - settled_at >= self.debounce:
                    break
            self._last = current
            try:
                self.on_change()
            except Exception:  # the callback reports its own errors; the watcher keeps going
                pass
