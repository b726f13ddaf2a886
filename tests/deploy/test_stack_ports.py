"""A stack refuses to start on ports another program holds: a readiness probe there would
answer for the other program, and the new services would die unnoticed."""

from __future__ import annotations

import socket
from pathlib import Path

from msa_ops.stack import Stack, port_of


def test_a_port_held_by_another_program_is_named(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        base = taken - port_of("billing", 0)
        stack = Stack.create(["casework", "billing"], env={}, log_dir=tmp_path, base_port=base)
        assert ("billing", taken) in stack.busy_ports()
    assert ("billing", taken) not in stack.busy_ports()
