"""CPU an idle stack burns: every process of `clinic-stack`, no traffic, after it settles.

    uv run --frozen python bench/idle_stack.py [--settle 30] [--seconds 30] [--state DIR]

Starts the stack as the README's first command does (embedded PostgreSQL and Tansu, a fresh
temporary state folder), or samples a running one (--state), waits --settle seconds after it
says "Ctrl-C stops everything" (start-up work, the demo network's events, first reminders),
then reads every process's CPU time (children included, e.g. PostgreSQL's backends) at the
start and end of --seconds. Prints each process's share of one core and the total.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

import psutil
from harness import clinic_stack, cpu_seconds


def stack_processes(state: Path) -> dict[str, list[psutil.Process]]:
    """Each entry of the stack's stack.json with its process and all the process's children."""
    found: dict[str, list[psutil.Process]] = {}
    seen: set[int] = set()
    for name, entry in json.loads((state / "stack.json").read_text()).items():
        # The gateway serves its metrics from its own process: one pid under two names.
        if not entry.get("pid") or int(entry["pid"]) in seen:
            continue
        seen.add(int(entry["pid"]))
        try:
            process = psutil.Process(int(entry["pid"]))
            found[name] = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
    return found


def total_cpu(processes: list[psutil.Process]) -> float:
    return sum(cpu_seconds(process) for process in processes)


async def sample(state: Path, settle: float, seconds: float) -> dict[str, float]:
    """Share of one core (1.0 = one core) each stack process used over `seconds`."""
    await asyncio.sleep(settle)
    processes = stack_processes(state)
    before = {name: total_cpu(group) for name, group in processes.items()}
    started = time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - started
    return {name: (total_cpu(group) - before[name]) / elapsed for name, group in processes.items()}


async def run(args: argparse.Namespace) -> None:
    async with clinic_stack(args.state, "bench-idle-") as state:
        shares = await sample(state, args.settle, args.seconds)
    print(f"idle stack, {args.seconds:.0f} s sampled after {args.settle:.0f} s settling")
    print(f"  {'process':<14}{'% of one core':>15}")
    for name, share in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {name:<14}{share * 100:>14.1f}%")
    print(f"  {'total':<14}{sum(shares.values()) * 100:>14.1f}%   (target: under 5%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=30.0, help="seconds before sampling")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds sampled")
    parser.add_argument("--state", type=Path, default=None, help="a running stack's state dir")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
