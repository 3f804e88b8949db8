"""The HTTP protocol `make run` serves with closes connections whose headers never come."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn

from app.api.protocol import HeaderTimeoutProtocol


class QuickHeaderTimeout(HeaderTimeoutProtocol):
    header_timeout = 0.5


async def _hello(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _serve() -> tuple[uvicorn.Server, int, threading.Thread]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(_hello, http=QuickHeaderTimeout, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, sock.getsockname()[1], thread


def _closed_after(port: int, sent: bytes) -> float:
    with socket.create_connection(("127.0.0.1", port)) as client:
        started = time.monotonic()
        if sent:
            client.sendall(sent)
        client.settimeout(10)
        assert client.recv(100) == b""  # closed without an answer
        return time.monotonic() - started


def test_silent_and_half_sent_connections_are_closed():
    server, port, thread = _serve()
    try:
        assert _closed_after(port, b"") < 5
        assert _closed_after(port, b"GET / HTTP/1.1\r\nHost: x\r\n") < 5
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            time.sleep(1)  # longer than the header deadline: a served request is not cut
            assert b"200 OK" in client.recv(1000)
    finally:
        server.should_exit = True
        thread.join(10)
