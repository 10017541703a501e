"""The loopback ports the servers listen on: fixed for the native stack, free ones for tests."""

import contextlib
import socket
from dataclasses import dataclass

from stack.exceptions import PortInUse

HOST = "127.0.0.1"


@dataclass(frozen=True)
class StackPorts:
    primary: int
    replicas: tuple[int, ...]
    redis: int

    @classmethod
    def native(cls) -> "StackPorts":
        """The fixed ports of ``make stack-up`` (docs/stack.md)."""
        return cls(primary=25432, replicas=(25433, 25434), redis=26379)

    @classmethod
    def free(cls, replicas: int = 2) -> "StackPorts":
        """Ports nothing listens on right now, all different (the sockets stay open until all
        are chosen, so the kernel cannot hand out one twice)."""
        with contextlib.ExitStack() as sockets:
            ports = []
            for _ in range(replicas + 2):
                sock = sockets.enter_context(socket.socket())
                sock.bind((HOST, 0))
                ports.append(sock.getsockname()[1])
        return cls(primary=ports[0], replicas=tuple(ports[1:-1]), redis=ports[-1])


def ensure_free(port: int, what: str) -> None:
    """Fail, naming the port and its purpose, when a socket already holds it: a server listening,
    or a connection that took it as its own local port (the native ports lie below Linux's
    ephemeral range, 32768-60999, so only a program that binds it on purpose can)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            pass
        else:
            return
    if _listening(port):
        advice = f"A server listens there: find it with `ss -ltnp 'sport = :{port}'` and stop it."
    else:
        advice = (
            "No server listens there: a connection holds it as its local port, and frees it "
            f"when it closes. `ss -tanp 'sport = :{port}'` shows which."
        )
    raise PortInUse(f"Port {port} ({what}) is already in use. {advice}")


def _listening(port: int) -> bool:
    try:
        socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        return False
    return True
