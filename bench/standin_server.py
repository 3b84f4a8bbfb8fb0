"""Run the Zalo stand-in in its own process for the benchmark, so it does not share a GIL with the
load generator. Prints `READY <url>` once listening, then serves until SIGTERM or Ctrl+C.

Usage: python -m bench.standin_server --port 0 --app-id A --app-secret S --oa-id O \
           --access-token T --refresh-token R [--delay-ms 50] [--webhook-url URL --oa-secret-key K] [--oas N]

With `--oas N` it plays N OAs of one deployment (`bench_oas`: the given one and o2 … oN, each with its
own id, secret key and tokens; `extra_oas_env` tells the bot about them), each answering only calls made
with its own access token, and adds GET /_standin/oas/messages?after=a,b,…: every OA's messages after
its own cursor (one per OA, in order), each marked with the index of the OA that recorded it.
"""
from __future__ import annotations

import argparse
import signal
import threading
from dataclasses import dataclass

from flask import Blueprint, jsonify, request
from werkzeug.serving import make_server

# The stand-in's own request handler: it keeps Zalo's underscore header names (access_token).
from bot.sandbox.standin import (
    POLL_SECONDS,
    StandInServer,
    StandInState,
    _QuietZaloHandler,
    create_standin_app,
    serve_standin,
)


@dataclass(frozen=True)
class BenchOA:
    """One OA the benchmarks play: its short name in EXTRA_OAS, id, secret key and tokens."""

    key: str
    oa_id: str
    secret: str
    access_token: str
    refresh_token: str


def bench_oas(count: int, oa_id: str, secret: str, access_token: str, refresh_token: str) -> list[BenchOA]:
    """The given OA and count - 1 more (o2, o3, …), each with its own id, secret key and tokens."""
    first = BenchOA("main", oa_id, secret, access_token, refresh_token)
    return [first, *(BenchOA(f"o{n}", f"{oa_id}-{n}", f"{secret}-{n}", f"{access_token}-o{n}",
                             f"{refresh_token}-o{n}") for n in range(2, count + 1))]


def extra_oas_env(oas: list[BenchOA]) -> dict[str, str]:
    """The bot's settings for every OA after the first: EXTRA_OAS and OA_<KEY>_* (config/settings.py)."""
    if len(oas) < 2:
        return {}
    env = {"EXTRA_OAS": ",".join(oa.key for oa in oas[1:])}
    for oa in oas[1:]:
        prefix = f"OA_{oa.key.upper()}_"
        env.update({prefix + "ZALO_OA_ID": oa.oa_id, prefix + "ZALO_OA_SECRET_KEY": oa.secret,
                    prefix + "ZALO_ACCESS_TOKEN": oa.access_token, prefix + "ZALO_REFRESH_TOKEN": oa.refresh_token})
    return env


def feed(states: list[StandInState]) -> Blueprint:
    """GET /_standin/oas/messages?after=a,b,…: each OA's messages with an id above its cursor."""
    blueprint = Blueprint("bench_oas_feed", __name__)

    @blueprint.get("/_standin/oas/messages")
    def every_oas_messages():
        cursors = [int(c) for c in request.args.get("after", "").split(",") if c.strip()]
        cursors += [0] * (len(states) - len(cursors))
        messages = [{**message, "oa": index} for index, (state, after) in enumerate(zip(states, cursors))
                    for message in state.messages_after(after)]
        return jsonify({"messages": messages})

    return blueprint


def serve_oas(states: list[StandInState], host: str, port: int) -> StandInServer:
    """Serve one stand-in playing every OA of `states`, with the feed of all their messages."""
    app = create_standin_app(*states)
    app.register_blueprint(feed(states))
    server = make_server(host, port, app, threaded=True, request_handler=_QuietZaloHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                              name="zalo-standin", daemon=True)
    thread.start()
    return StandInServer(states[0], host, server.port, server, thread)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    for name in ("app-id", "app-secret", "oa-id", "access-token", "refresh-token"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="answer every API call after this long")
    parser.add_argument("--webhook-url", default=None, help="send oa_send_* echoes there, signed, as Zalo does")
    parser.add_argument("--oa-secret-key", default=None, help="signs the echoes")
    parser.add_argument("--oas", type=int, default=1, help="play this many OAs (see bench_oas)")
    return parser.parse_args(argv)


def oa_state(args: argparse.Namespace, oa: BenchOA) -> StandInState:
    """The stand-in's state for one OA, with the switches given on the command line."""
    state = StandInState(app_id=args.app_id, app_secret=args.app_secret, oa_id=oa.oa_id,
                         access_token=oa.access_token, refresh_token=oa.refresh_token)
    state.webhook_url, state.oa_secret_key = args.webhook_url, oa.secret if args.oa_secret_key else None
    state.echo = bool(args.webhook_url)  # the webhook bench counts only the replies themselves: no echoes
    state.response_delay_seconds = args.delay_ms / 1000.0
    return state


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    oas = bench_oas(max(1, args.oas), args.oa_id, args.oa_secret_key or "", args.access_token, args.refresh_token)
    if len(oas) == 1:
        server = serve_standin(oa_state(args, oas[0]), host=args.host, port=args.port)
    else:
        server = serve_oas([oa_state(args, oa) for oa in oas], args.host, args.port)
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
