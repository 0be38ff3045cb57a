"""``python -m mixpanel_standin --port 8765``: serve the stand-in on 127.0.0.1 in the foreground.

The configuration comes from ``STANDIN_*`` environment variables (see :class:`StandinConfig`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mixpanel_standin.app import create_app
from mixpanel_standin.config import StandinConfig
from mixpanel_standin.server import LOOPBACK, LOOPBACK_NAMES, serve_forever

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mixpanel_standin",
        description="Serve a local, stateful stand-in for Mixpanel's ingestion, identity and query APIs.",
        epilog="Environment: STANDIN_SERVICE_ACCOUNT=user:secret (demo-sa:demo-secret), STANDIN_PROJECT_ID "
        "(123456), STANDIN_PROJECT_TOKEN (demo-token), STANDIN_DATABASE (:memory:), STANDIN_STRICT_TOKEN, "
        "STANDIN_REQUIRE_UUID_ANON_ID.",
    )
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    parser.add_argument("--host", default=LOOPBACK, help="must be 127.0.0.1 or localhost (the default)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, then serve until interrupted; returns the process exit status."""
    args = _parser().parse_args(argv)
    if args.host not in LOOPBACK_NAMES:
        print(f"error: refusing to listen on {args.host!r}; the stand-in serves 127.0.0.1 only", file=sys.stderr)
        return 2
    try:
        config = StandinConfig.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(config)
    user, _ = config.service_account
    base = f"http://{LOOPBACK}:{args.port}"
    print(
        f"Mixpanel stand-in: project_id={config.project_id} token={config.project_token} "
        f"service account={user}:***\n"
        f"  ingestionApi/identityApi -> {base}\n  queryApi -> {base}/api/query",
        flush=True,
    )
    try:
        serve_forever(app, args.host, args.port)
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
