"""A real uvicorn server on a free local port, for tests that need a client of their own
(generated clients, browsers) rather than an in-process ASGI client."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI


@contextmanager
def serve(app: FastAPI, *, ready_timeout: float = 120.0) -> Iterator[str]:
    """Serve `app` in a thread; yield its base URL once `/ready` says the load is done."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        deadline = time.monotonic() + ready_timeout
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        while not httpx.get(f"{base_url}/ready").json()["ready"]:
            assert time.monotonic() < deadline, "the seed folder did not load in time"
            time.sleep(0.1)
        yield base_url
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
