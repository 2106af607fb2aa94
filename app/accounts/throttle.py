"""Sign-in throttling that a stranger cannot use to lock a real user out.

Failed attempts are counted in the shared rate-limit store (Redis with several nodes), keyed by
hashes, never by an address or email in clear:

- per browser that signed in to the account before (a signed "known device" cookie): 5 failures
  in 15 minutes, then that browser waits. A stranger never has that cookie for someone
  else's account, so attacks elsewhere never slow the real user on their own browser;
- per client address and account, for browsers without that cookie: 5 failures in 15 minutes;
- per account, for all browsers without that cookie together: 20 failures an hour, which slows
  a guesser spread over many addresses. Only new browsers wait then, and only until the hour
  of failures has passed (no fixed lock).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

log = logging.getLogger(__name__)

PER_DEVICE = parse("5 per 15 minutes")
PER_ADDRESS_AND_ACCOUNT = parse("5 per 15 minutes")
PER_ACCOUNT_FROM_NEW_BROWSERS = parse("20 per hour")


class TooManyAttempts(RuntimeError):
    """Sign-in refused for now; ``seconds`` says how long until the next attempt counts."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"retry in {seconds} s")
        self.seconds = seconds


class SignInThrottle:
    def __init__(self, limiter: RateLimiter | None = None) -> None:
        self._limiter = limiter
        self._fallback = MovingWindowRateLimiter(MemoryStorage())

    def _counters(self, email_key: str, address_key: str, device: str | None
                  ) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        if device:
            return [(PER_DEVICE, ("signin-device", device))]
        return [(PER_ADDRESS_AND_ACCOUNT, ("signin-address", address_key, email_key)),
                (PER_ACCOUNT_FROM_NEW_BROWSERS, ("signin-account", email_key))]

    def check(self, email_key: str, address_key: str, device: str | None) -> None:
        """Raise TooManyAttempts if this attempt must wait."""
        for item, ids in self._counters(email_key, address_key, device):
            if not self._call("test", item, ids):
                stats = self._call("get_window_stats", item, ids)
                raise TooManyAttempts(max(1, math.ceil(stats.reset_time - time.time())))

    def failed(self, email_key: str, address_key: str, device: str | None) -> None:
        for item, ids in self._counters(email_key, address_key, device):
            self._call("hit", item, ids)

    def succeeded(self, email_key: str, address_key: str, device: str | None) -> None:
        for item, ids in self._counters(email_key, address_key, device):
            if ids[0] != "signin-account":  # others' failures on the account still count
                self._call("clear", item, ids)

    def _call(self, method: str, item: RateLimitItem, ids: Iterable[str]):
        """The shared store when it answers; this process's memory when it does not."""
        if self._limiter is not None:
            try:
                return getattr(self._limiter, method)(item, *ids)
            except Exception as error:  # noqa: BLE001 - a store outage must not stop sign-in
                log.warning("rate-limit store unavailable (%s); counting in memory", error)
        return getattr(self._fallback, method)(item, *ids)
