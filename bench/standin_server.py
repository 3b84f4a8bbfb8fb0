"""Run the Zalo stand-in in its own process for the benchmark, so it does not share a GIL with the
load generator. Prints `READY <url>` once listening, then serves until SIGTERM or Ctrl+C.

Usage: python -m bench.standin_server --port 0 --app-id A --app-secret S --oa-id O \
           --access-token T --refresh-token R [--delay-ms 50] [--webhook-url URL --oa-secret-key K]
"""
from __future__ import annotations

import argparse
import signal
import threading

from bot.sandbox.standin import StandInState, serve_standin


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    for name in ("app-id", "app-secret", "oa-id", "access-token", "refresh-token"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="answer every API call after this long")
    parser.add_argument("--webhook-url", default=None, help="send oa_send_* echoes there, signed, as Zalo does")
    parser.add_argument("--oa-secret-key", default=None, help="signs the echoes")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    state = StandInState(app_id=args.app_id, app_secret=args.app_secret, oa_id=args.oa_id,
                         access_token=args.access_token, refresh_token=args.refresh_token)
    state.webhook_url, state.oa_secret_key = args.webhook_url, args.oa_secret_key
    state.echo = bool(args.webhook_url)  # the webhook bench counts only the replies themselves: no echoes
    state.response_delay_seconds = args.delay_ms / 1000.0
    server = serve_standin(state, host=args.host, port=args.port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"READY {server.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
