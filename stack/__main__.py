"""
``python -m stack up|down|status|env|kill-replica N|start-replica N|promote-replica N|rejoin NODE``:
the native stack.

PostgreSQL primary on 127.0.0.1:25432, replicas on 25433 and 25434, Redis on 26379, data under
``var/stack/``. ``env`` prints the shell exports that point the shop at it (``make serve`` and the
load-test runner use them).
"""

import argparse
import shlex
import sys

from stack.cluster import NATIVE_DIRECTORY, native_stack
from stack.exceptions import StackError
from stack.promotion import promote, rejoin
from stack.status import format_status, stack_status


def up(arguments: argparse.Namespace) -> None:
    stack = native_stack()
    stack.up()
    replicas = ", ".join(f":{port}" for port in stack.ports.replicas)
    print(
        f"Stack up in {stack.up_seconds:.1f} s: PostgreSQL primary :{stack.ports.primary}, "
        f"replicas {replicas}, Redis :{stack.ports.redis} (data in {stack.directory})."
    )


def down(arguments: argparse.Namespace) -> None:
    # Checked first, so that stopping nothing works even where the servers are not installed.
    if not NATIVE_DIRECTORY.exists():
        print("Nothing to stop: no stack was ever started here.")
        return
    native_stack().down()
    print("Stack stopped.")


def status(arguments: argparse.Namespace) -> None:
    print(format_status(stack_status(native_stack())))


def env(arguments: argparse.Namespace) -> None:
    for name, value in native_stack().environ().items():
        print(f"export {name}={shlex.quote(value)}")


def kill_replica(arguments: argparse.Namespace) -> None:
    native_stack().kill_replica(arguments.number)
    print(f"replica{arguments.number} killed (immediate stop).")


def start_replica(arguments: argparse.Namespace) -> None:
    native_stack().start_replica(arguments.number)
    print(f"replica{arguments.number} started.")


def promote_replica(arguments: argparse.Namespace) -> None:
    stack = native_stack()
    old = stack.primary
    promote(stack, stack.replica(arguments.number))
    print(
        f"replica{arguments.number} is the primary now; {old.name} is fenced (stopped, and "
        f"refuses to start). Bring it back as a standby: python -m stack rejoin {old.name}"
    )


def rejoin_node(arguments: argparse.Namespace) -> None:
    stack = native_stack()
    node = next((node for node in stack.nodes if node.name == arguments.node), None)
    if node is None:
        names = ", ".join(node.name for node in stack.nodes)
        raise StackError(f"There is no node {arguments.node!r}: the nodes are {names}.")
    rejoin(stack, node)
    print(f"{node.name} is a standby of {stack.primary.name} again.")


COMMANDS = {
    "up": (up, "start the stack, creating it the first time"),
    "down": (down, "stop every server of the stack"),
    "status": (status, "each server's role, state and replication lag, and Redis'"),
    "env": (env, "shell exports that point the shop at the stack"),
    "kill-replica": (kill_replica, "crash replica N (immediate stop)"),
    "start-replica": (start_replica, "start replica N again"),
    "promote-replica": (promote_replica, "make replica N the primary; fence the old one"),
    "rejoin": (rejoin_node, "make a fenced node a standby of the primary again"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m stack",
        description="The native stack: PostgreSQL primary :25432, replicas :25433 and :25434, "
        "Redis :26379, data under var/stack/.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (handler, help_text) in COMMANDS.items():
        command = commands.add_parser(name, help=help_text)
        command.set_defaults(handler=handler)
        if name.endswith("-replica"):
            command.add_argument("number", type=int, metavar="N", help="1 or 2")
        if name == "rejoin":
            command.add_argument("node", metavar="NODE", help="primary, replica1 or replica2")
    arguments = parser.parse_args(argv)
    try:
        arguments.handler(arguments)
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
