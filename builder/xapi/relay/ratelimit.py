"""A token bucket per client address, in this process's memory.

Each address may send ``burst`` requests at once, then ``rate`` requests per second. The buckets
live in one instance only: behind a load balancer each instance counts on its own, so a limit
shared by all instances belongs in the load balancer (README, "The relay"). The table is bounded:
buckets that have filled up again are dropped, and past ``max_clients`` the least recently seen go.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from typing import Callable, Tuple


class RateLimiter:
    def __init__(
        self, rate: float, burst: int, max_clients: int = 100_000, clock: Callable[[], float] = time.monotonic
    ):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = float(rate)
        self.burst = float(burst)
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str) -> float:
        """0 when *key* may go on (a token is taken), else the seconds until it may."""
        now = self.clock()
        tokens, at = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1 - tokens) / self.rate
        self._trim(now)
        return wait

    def retry_after(self, wait: float) -> int:
        """*wait* as a ``Retry-After`` value (whole seconds, at least 1)."""
        return max(1, math.ceil(wait))

    def __len__(self) -> int:
        return len(self._buckets)

    def _trim(self, now: float) -> None:
        # the table is in least-recently-seen order: the stale ones are at the front
        refill = self.burst / self.rate  # a bucket untouched this long is full again: forget it
        while self._buckets:
            key, (_, at) = next(iter(self._buckets.items()))
            if now - at < refill and len(self._buckets) <= self.max_clients:
                break
            del self._buckets[key]
