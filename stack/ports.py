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
        """The ports the design notes promise for ``make stack-up``."""
        return cls(primary=55432, replicas=(55433, 55434), redis=56379)

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
    """Fail, naming the port and its purpose, when something already listens on it."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            raise PortInUse(
                f"Port {port} ({what}) is already in use. Find the process with "
                f"`ss -ltnp 'sport = :{port}'` and stop it."
            ) from None
