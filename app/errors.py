"""Domain errors. Service code raises these; one handler turns them into problem+json."""

from __future__ import annotations


class GazetteError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(GazetteError):
    status = 404
    title = "Not found"


class Conflict(GazetteError):
    status = 409
    title = "Conflict"


class InvalidInput(GazetteError):
    status = 422
    title = "Invalid input"


class PayloadTooLarge(GazetteError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaType(GazetteError):
    status = 415
    title = "Unsupported media type"


class NotReady(GazetteError):
    status = 503
    title = "Not ready"
