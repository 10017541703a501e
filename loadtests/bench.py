"""
``make bench`` and ``make failover-demo``: run a suite of scenarios on the native stack.

    python -m loadtests.bench [--suite bench|failover-demo] [--duration 60] [--users 20] ...

Every option also reads an environment variable (``DURATION=30 make bench``). The native stack
is started if it is not running, and stopped again at the end in that case only.
"""

import argparse
import os
import shlex
import signal
import sys
from collections.abc import Mapping

from loadtests.locust_process import BenchError
from loadtests.runner import SuiteRun
from loadtests.scenarios import BenchConfig, Suite
from loadtests.server import ShopError
from loadtests.suites import SUITES
from stack.cluster import Stack, native_stack
from stack.exceptions import StackError

DEFAULTS = BenchConfig()
#: The BenchConfig fields a user sets, each from an option or the environment variable of its name.
OPTIONS = {
    "duration": "measured seconds per scenario",
    "warmup": "warm-up seconds before each measured run",
    "users": "simulated shoppers",
    "wait_min": "shortest think time, seconds",
    "wait_max": "longest think time, seconds",
    "products": "catalog size seeded when the database is empty",
    "mix": "task weights for the locustfile's --mix, e.g. home=10,product=40",
}


def parser(
    defaults: BenchConfig = DEFAULTS,
    suites: Mapping[str, Suite] = SUITES,
    prog: str = "python -m loadtests.bench",
) -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run Locust scenarios against the shop on the native stack and write a "
        "report under loadtests/results/<timestamp>/.",
    )
    parser.add_argument("--suite", choices=sorted(suites), default=env("SUITE", next(iter(suites))))
    parser.add_argument(
        "--scenario",
        action="append",
        dest="scenarios",
        metavar="KEY",
        help="run only this scenario of the suite (repeatable)",
    )
    parser.add_argument(
        "--db-cpus",
        type=float,
        default=float(env("DB_CPUS")) if env("DB_CPUS") else None,
        help="cores per PostgreSQL server, a CPU quota as separate machines would give each "
        "(root and the kernel's cpu controller; 0: none) (DB_CPUS, default: the suite's, 0.05 "
        "for --suite replicas, none otherwise)",
    )
    for name, description in OPTIONS.items():
        default = getattr(defaults, name)
        variable = name.upper()
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(default),
            default=type(default)(env(variable, default)),
            help=f"{description} ({variable}, default %(default)r)",
        )
    return parser


def stop_on_sigterm() -> None:
    """Unwind on SIGTERM as on Ctrl-C, so gunicorn and Locust (in sessions of their own, out of
    the terminal's reach) are stopped and a killed replica started again."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def limit_cpus(stack: Stack, cpus: float) -> str:
    """Give each PostgreSQL server ``cpus`` cores; say what was set, or why nothing could be
    (then the run goes on without budgets, and its report says so)."""
    if not cpus:
        return "none"
    try:
        stack.limit_cpus(cpus)
    except StackError as error:
        stack.limit_cpus(None)  # none rather than some
        print(f"Running without CPU budgets: {error}", file=sys.stderr)
        return f"none ({error})"
    budget = stack.primary.cpu_budget
    return f"{cpus:g} CPU per PostgreSQL server (cgroup v{budget.version} cpu quota)"


def is_running(stack: Stack) -> bool:
    """Whether any server of the stack runs already (then the run leaves the stack up)."""
    return any(node.pid is not None for node in [*stack.nodes, stack.redis])


def main(
    argv: list[str] | None = None,
    *,
    defaults: BenchConfig = DEFAULTS,
    suites: Mapping[str, Suite] = SUITES,
    run_class: type[SuiteRun] = SuiteRun,
    prog: str = "python -m loadtests.bench",
) -> int:
    """Run a suite of ``suites`` with ``run_class`` (``make chaos`` passes its own three)."""
    args = parser(defaults, suites, prog).parse_args(argv)
    suite = suites[args.suite]
    scenarios = suite.scenarios
    if args.scenarios:
        unknown = set(args.scenarios) - {scenario.key for scenario in scenarios}
        if unknown:
            sys.exit(f"Unknown scenario(s) for {suite.name}: {', '.join(sorted(unknown))}")
        scenarios = tuple(s for s in scenarios if s.key in args.scenarios)
    stop_on_sigterm()
    stack = native_stack()
    started_here = not is_running(stack)
    command = shlex.join([*prog.split(), *(argv or sys.argv[1:])])
    try:
        stack.up()
        cpus = suite.db_cpus if args.db_cpus is None else args.db_cpus
        config = BenchConfig(
            **{name: getattr(args, name) for name in OPTIONS}, cpu_budget=limit_cpus(stack, cpus)
        )
        directory = run_class(suite, stack, config, scenarios=scenarios, command=command).run()
    except KeyboardInterrupt:
        print("\nInterrupted: everything the run started is stopped.", file=sys.stderr)
        return 130
    except (BenchError, ShopError, StackError) as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
        if started_here:
            stack.down()
        else:  # a stack left running serves `make serve` again at full speed
            stack.limit_cpus(None)
    print((directory / "summary.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
