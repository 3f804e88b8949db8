"""The HTTP protocol `python -m app serve` serves with: uvicorn's, plus a deadline for headers.

uvicorn closes idle keep-alive connections (`--timeout-keep-alive`) but waits for ever on a
connection that sends nothing, or sends its headers a byte at a time: a few such clients
hold sockets and file descriptors until the process runs out. Here a connection must
deliver each request's headers within HEADER_TIMEOUT_SECONDS of opening or of the request's
first byte, or it is closed. Elsewhere: `uvicorn --http app.api.protocol:HeaderTimeoutProtocol`.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_SECONDS = 10.0


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT_SECONDS
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
