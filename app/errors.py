"""Domain errors. Service code raises these; one handler turns them into problem+json."""

from __future__ import annotations


class GazetteError(Exception):
    """An error the client can act on; `status` is its HTTP status."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(GazetteError):
    status = 404


class InvalidInput(GazetteError):
    status = 422


class NotAcceptable(GazetteError):
    status = 406


class PayloadTooLarge(GazetteError):
    status = 413


class UnsupportedMediaType(GazetteError):
    status = 415


class NotReady(GazetteError):
    status = 503
