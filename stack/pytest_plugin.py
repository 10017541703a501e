"""
The test session's stack: a throwaway PostgreSQL primary, two streaming replicas and Redis.

Loaded with ``-p stack.pytest_plugin`` (pyproject's addopts). Django reads ``DATABASE_URL`` and
friends when pytest-django imports the settings, in its own ``pytest_load_initial_conftests``, so
the stack is started in a wrapper around that hook and the variables exported before it runs.
Servers listen on free loopback ports and live in a temporary directory, so several sessions can
run side by side; the stack is torn down at the end, on Ctrl-C and on errors, and one left by a
killed session is swept up by the next.

``--embedded`` starts nothing: SQLite and the local-memory cache. Tests marked ``stack`` need
the real servers, so under ``--embedded`` they fail (the caller deselects them with
``-m "not stack"``); they never skip.

Tests marked ``compose`` bring docker-compose.yml up in real containers: they run with
``--compose`` (``make compose-test``), which runs nothing else and starts no throwaway stack, and
are deselected otherwise (pytest's summary counts them).
"""

import atexit
import os
import shutil
import signal
import tempfile
from collections.abc import Generator
from pathlib import Path

import pytest

from stack.cluster import Stack
from stack.exceptions import PortInUse, StackError
from stack.ports import StackPorts
from stack.processes import is_running

STACK_KEY = pytest.StashKey[Stack]()
STACK_ENVIRON = ("DATABASE_URL", "DATABASE_REPLICA_URLS", "REDIS_URL")
DIRECTORY_PREFIX = "shop-test-stack-"
OWNER_FILE = "owner.pid"
PORT_ATTEMPTS = 3


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--embedded",
        action="store_true",
        help="Run on SQLite and the local-memory cache, without starting the stack "
        '(deselect the stack tests with -m "not stack").',
    )
    parser.addoption(
        "--compose",
        action="store_true",
        help="Run the compose tests only (make compose-test): build the images, bring "
        "docker-compose.yml up, run a journey and replica faults, take it down.",
    )


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None]:
    options = parser.parse_known_args(args)
    if options.help or options.version:
        return (yield)
    # Development settings (plain HTTP, static files from the source tree, the demo key); the
    # tests run with DEBUG off all the same, as pytest-django sets it.
    os.environ.setdefault("DEBUG", "True")
    if options.embedded or options.compose:
        for name in STACK_ENVIRON:
            os.environ.pop(name, None)
        return (yield)
    stack = start_throwaway_stack()
    early_config.stash[STACK_KEY] = stack
    os.environ.update(stack.environ())
    try:
        return (yield)
    except BaseException:
        stack.destroy()
        raise


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With --compose, only the compose tests; without it, all but them."""
    compose = config.getoption("compose")
    kept, deselected = [], []
    for item in items:
        (kept if bool(item.get_closest_marker("compose")) == compose else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("compose"):
        return "stack: docker-compose.yml in containers (--compose)"
    stack = config.stash.get(STACK_KEY, None)
    if stack is None:
        return "stack: none (--embedded: SQLite and the local-memory cache)"
    replicas = ", ".join(str(port) for port in stack.ports.replicas)
    return (
        f"stack: PostgreSQL primary :{stack.ports.primary}, replicas :{replicas}, "
        f"Redis :{stack.ports.redis}, up in {stack.up_seconds:.1f} s ({stack.directory})"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    stack = config.stash.get(STACK_KEY, None)
    if stack is not None:
        stack.destroy()
        del config.stash[STACK_KEY]


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("stack") and item.config.getoption("embedded"):
        pytest.fail(
            'This test needs the stack, which --embedded does not start: add -m "not stack".',
            pytrace=False,
        )


@pytest.fixture(scope="session")
def stack(pytestconfig: pytest.Config) -> Stack:
    """The session's stack: kill, freeze or stop its nodes; each test gets them back running."""
    try:
        return pytestconfig.stash[STACK_KEY]
    except KeyError:
        pytest.fail('The stack is not started under --embedded: mark the test "stack".')


@pytest.fixture(autouse=True)
def _restore_stack(request: pytest.FixtureRequest) -> Generator[None]:
    """Start again whatever a test using ``stack`` killed, froze or stopped, even when it failed
    half-way, so one failover test cannot break the next."""
    yield
    if "stack" in request.fixturenames:
        request.getfixturevalue("stack").restore()


def start_throwaway_stack() -> Stack:
    """Start a fresh stack in a temporary directory on free ports (fsync off), or fail the run
    with a usage error saying what is missing."""
    sweep_abandoned_stacks()
    attempts = 0
    while True:
        attempts += 1
        stack = _new_stack()
        try:
            stack.up()
        except PortInUse as error:
            stack.destroy()
            # Another session took a port between our choosing and binding it: choose again.
            if attempts < PORT_ATTEMPTS:
                continue
            raise pytest.UsageError(f"Could not start the test stack: {error}") from None
        except StackError as error:
            stack.destroy()
            raise pytest.UsageError(f"Could not start the test stack: {error}") from None
        except BaseException:
            stack.destroy()
            raise
        atexit.register(stack.destroy)
        _stop_on_sigterm()
        return stack


def throwaway_directory() -> Path:
    """A new temporary directory for a stack, marked with this process as its owner so that
    ``sweep_abandoned_stacks`` stops what it holds should this process be killed."""
    directory = Path(tempfile.mkdtemp(prefix=DIRECTORY_PREFIX))
    (directory / OWNER_FILE).write_text(str(os.getpid()))
    return directory


def _new_stack() -> Stack:
    directory = throwaway_directory()
    try:
        return Stack(directory, StackPorts.free(), durable=False)
    except StackError as error:
        shutil.rmtree(directory)
        raise pytest.UsageError(str(error)) from None


def sweep_abandoned_stacks() -> None:
    """Stop and delete the stacks of sessions that were killed before they could clean up."""
    for directory in Path(tempfile.gettempdir()).glob(f"{DIRECTORY_PREFIX}*"):
        try:
            owner = int((directory / OWNER_FILE).read_text())
        except (FileNotFoundError, ValueError):
            continue
        if is_running(owner, command_contains="python"):
            continue
        try:
            Stack.in_directory(directory, durable=False).destroy()
        except (FileNotFoundError, StackError):
            shutil.rmtree(directory, ignore_errors=True)


def _stop_on_sigterm() -> None:
    """Make SIGTERM unwind like Ctrl-C, so pytest tears the stack down instead of dying."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
