"""The container health check: `python -m compliance_checker.healthcheck` exits 0 when /healthz answers 200.

It asks gunicorn directly over plain HTTP on 127.0.0.1, as the container's own health check must, so it sends
a Host header that ALLOWED_HOSTS accepts (the first allowed host); /healthz and /readyz are exempt from the
HTTPS redirect (SECURE_REDIRECT_EXEMPT), so the answer is the health, not a redirect to https.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def health_request(port: str | None = None) -> urllib.request.Request:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    port = port or os.environ.get("PORT", "8000")
    return urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})


def main() -> int:
    try:
        with urllib.request.urlopen(health_request(), timeout=4) as response:  # noqa: S310 (our own http URL)
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
