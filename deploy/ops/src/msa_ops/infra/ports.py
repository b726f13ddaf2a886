"""TCP port probes on the loopback interface."""

from __future__ import annotations

import errno
import socket
import time


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """Return True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Return True when a server could bind host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return not port_open(port, host, timeout=0.2)


def wait_port_free(port: int, grace_s: float = 2.0, host: str = "127.0.0.1") -> bool:
    """Return True once host:port can be bound; False if it stays taken for grace_s seconds."""
    deadline = time.monotonic() + grace_s
    while not port_free(port, host):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
