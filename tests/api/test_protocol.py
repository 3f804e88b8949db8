"""The HTTP protocol `make run` serves with closes connections whose headers never come."""

from __future__ import annotations

import socket
import time

from app.api.protocol import HeaderTimeoutProtocol
from tests.conftest import live_server


class QuickHeaderTimeout(HeaderTimeoutProtocol):
    header_timeout = 0.5


async def _hello(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _closed_after(port: int, sent: bytes) -> float:
    with socket.create_connection(("127.0.0.1", port)) as client:
        started = time.monotonic()
        if sent:
            client.sendall(sent)
        client.settimeout(10)
        assert client.recv(100) == b""  # closed without an answer
        return time.monotonic() - started


def test_silent_and_half_sent_connections_are_closed():
    with live_server(_hello, http=QuickHeaderTimeout, lifespan="off") as port:
        assert _closed_after(port, b"") < 5
        assert _closed_after(port, b"GET / HTTP/1.1\r\nHost: x\r\n") < 5
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            time.sleep(1)  # longer than the header deadline: a served request is not cut
            assert b"200 OK" in client.recv(1000)
