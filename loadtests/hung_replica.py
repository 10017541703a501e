"""
Replica 1 hung under load: what browsing shoppers see while its whole process tree is stopped.

``python -m loadtests.hung_replica [--shop DIR] [--hang 20]`` starts a throwaway stack on free
ports, prepares the shop, serves it with gunicorn as ``make serve`` does (caches off, so every
page reads the database), and runs 8 threads of browsing (random searches, filtered category
pages) for a steady phase, ``--hang`` seconds with replica 1's postmaster and every backend
SIGSTOPped, and a phase after it is resumed. ``--shop`` serves another checkout of the shop
(``git archive main | tar -x -C DIR``, say) against the same stack, for a before/after.
Prints, per phase, requests completed, failed (5xx, errors, timeouts) and latencies; the logs
stay in a temporary directory.
"""

import argparse
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from loadtests.server import ROOT, Accounts, base_environ, free_port, prepare, terminate
from stack.cluster import Stack
from stack.ports import StackPorts
from stack.pytest_plugin import throwaway_directory

THREADS = 8
WORDS = ["lamp", "chair", "oak", "linen", "blue", "steel", "garden", "mug", "wool", "desk", "x"]
SORTS = ["", "price", "-price", "name"]
CLIENT_TIMEOUT = 60


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="hung-replica-"))
    # Where the servers' account may enter, and swept up should this run be killed.
    stack = Stack(throwaway_directory(), StackPorts.free(), durable=False)
    try:
        stack.up()
        env = {**base_environ(stack.environ()), "PERF_PAGE_CACHE": "0", "PERF_DATA_CACHE": "0"}
        prepare(env, products=500, accounts=Accounts(0), log=directory / "prepare.log")
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput"]
        subprocess.run(collect, cwd=options.shop, env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "shop/gunicorn.conf.py"],
            cwd=options.shop,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=(directory / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            print(run(stack, f"http://127.0.0.1:{port}", options))
        finally:
            terminate(server)
    finally:
        stack.destroy()
    return 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--shop", type=Path, default=ROOT, help="The checkout to serve.")
    parser.add_argument("--hang", type=float, default=20.0, help="Seconds replica 1 hangs.")
    parser.add_argument("--steady", type=float, default=15.0, help="Seconds before and after.")
    return parser


def run(stack: Stack, url: str, options: argparse.Namespace) -> str:
    wait_until_ready(url)
    slugs = sorted(set(re.findall(r'href="/c/([\w-]+)/"', fetch(f"{url}/")[1])))
    visits: list[tuple[float, float, str]] = []
    stopping = threading.Event()

    def browse() -> None:
        while not stopping.is_set():
            if random.random() < 0.5:
                path = f"/search/?q={random.choice(WORDS)}"
            else:
                path = f"/c/{random.choice(slugs)}/?sort={random.choice(SORTS)}&in_stock=on"
            started = time.monotonic()
            status, _ = fetch(url + path)
            visits.append((started, time.monotonic() - started, status))

    threads = [threading.Thread(target=browse) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(options.steady)
    hung_at = time.monotonic()
    stack.replica(1).freeze(whole_tree=True)
    try:
        time.sleep(options.hang)
    finally:
        stack.replica(1).thaw()
    thawed_at = time.monotonic()
    time.sleep(options.steady)
    stopping.set()
    for thread in threads:
        thread.join()
    phases = [
        ("steady", hung_at - options.steady, hung_at),
        (f"replica 1 hung {options.hang:g} s", hung_at, thawed_at),
        ("after", thawed_at, thawed_at + options.steady),
    ]
    lines = [
        "| phase | requests completed | failed | p50 ms | p99 ms | max ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, start, end in phases:
        # A request counts in the phase it ended in: one held by the hang ends in it.
        done = sorted(
            (seconds, status) for began, seconds, status in visits if start <= began + seconds < end
        )
        latencies = [seconds * 1000 for seconds, _ in done]
        failed = sum(1 for _, status in done if status != "200")
        lines.append(
            f"| {name} | {len(done)} | {failed} | {percentile(latencies, 50):.0f} | "
            f"{percentile(latencies, 99):.0f} | {max(latencies, default=0):.0f} |"
        )
    return "\n".join(lines)


def fetch(url: str) -> tuple[str, str]:
    try:
        with urllib.request.urlopen(url, timeout=CLIENT_TIMEOUT) as response:
            return str(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return str(error.code), ""
    except OSError as error:
        return type(error).__name__, ""


def wait_until_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while fetch(f"{url}/healthz")[0] != "200":
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn not ready at {url} after {timeout} s")
        time.sleep(0.2)


def percentile(values: list[float], percent: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * percent / 100))]


if __name__ == "__main__":
    sys.exit(main())
