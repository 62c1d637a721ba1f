"""How long `clinic-stack` takes to start, phase by phase, on this machine.

    uv run --frozen python bench/stack_startup.py [--runs 3] [--busy 2]

Each run starts the stack as the README's first command does, in a fresh temporary state
folder (so PostgreSQL's initdb, the migrations and the demo network are all part of it), waits
for its "Ctrl-C stops everything" and stops it. --busy N keeps N processes spinning on the CPU
throughout, as other work on the machine would. Prints the seconds of each phase the stack
records in <state>/startup.json (services are timed from their spawn to their first 200 on
/readyz), per run and the worst over the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
from collections.abc import Iterator

from harness import clinic_stack


def spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(processes)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.terminate()
            spinner.join()


async def one_run() -> dict[str, float]:
    async with clinic_stack(None, "bench-startup-") as state:
        phases: dict[str, float] = json.loads((state / "startup.json").read_text())
    ready = [seconds for name, seconds in phases.items() if name.endswith(" ready")]
    phases["every service ready"] = max(ready)
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--busy", type=int, default=0, help="CPU-spinning processes alongside")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, {args.busy} spinning processes alongside")
    runs = []
    with busy(args.busy):
        for number in range(1, args.runs + 1):
            phases = asyncio.run(one_run())
            runs.append(phases)
            print(f"run {number}: " + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items()))
    print("worst of the runs, seconds:")
    for name in runs[0]:
        print(f"  {name:<22} {max(run.get(name, 0.0) for run in runs):6.1f}")


if __name__ == "__main__":
    main()
