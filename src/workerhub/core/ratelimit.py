"""Per-client request limits for public endpoints (certificate verification, SPEC §3.6): a fixed one-minute window
counted in the ``ratelimit`` cache, keyed by the client's IP address.

The cache is per-process memory (LocMem): with N gunicorn workers each process counts on its own, so a client
may make up to N × the limit per minute in the worst case (requests spread over every worker). That is enough to
stop scraping by number; a deployment that needs an exact limit sets ``WORKERHUB_RATELIMIT_REDIS=redis://…`` (and
installs the ``redis`` package): the counters then live in Redis, shared by every worker — nothing here changes.

A limit of 0 or less switches limiting off (``WORKERHUB_VERIFY_RATE=0``, used by the benchmark).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Refusal:
    """Over the limit: wait ``retry_after`` seconds (the rest of the current window)."""

    retry_after: int


def client_address(request) -> str:
    """The client's IP: REMOTE_ADDR, or behind ``WORKERHUB_PROXY_COUNT`` reverse proxies the address the outermost
    of ours appended to X-Forwarded-For (the entries before it are whatever the client chose to send)."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies and hops[-proxies]:
            return hops[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def hit(request, scope: str, per_minute: int) -> Refusal | None:
    """Count one request of this client against ``scope``; a Refusal once it is past ``per_minute``."""
    if per_minute <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"{scope}:{client_address(request)}:{window}"
    cache = caches["ratelimit"]
    # add() starts the window's counter (and its expiry); incr() is atomic within one cache.
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=WINDOW_SECONDS + 1)
            count = 1
    if count <= per_minute:
        return None
    return Refusal(retry_after=max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999)))


def refusal_response(refusal: Refusal, message: str = "查询过于频繁，请稍后再试"):
    """The API's 429: the standard error body (SPEC §1.6) and a Retry-After header."""
    response = JsonResponse({"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
