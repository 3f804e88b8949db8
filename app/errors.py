"""Domain errors. Service code raises these; one handler turns them into problem+json."""

from __future__ import annotations


class GazetteError(Exception):
    """An error the client can act on; `status` is its HTTP status."""

    status = 400
    headers: dict[str, str] = {}

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


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


class Conflict(GazetteError):
    status = 409


class ServiceBusy(GazetteError):
    """Too much work in hand: the client should try again after `retry_after` seconds."""

    status = 503

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class Unauthorized(GazetteError):
    """No key, or a wrong one: the answer says how to authenticate (RFC 6750)."""

    status = 401

    def __init__(self, detail: str, *, error: str | None = None) -> None:
        super().__init__(detail)
        challenge = 'Bearer realm="gazette"'
        if error:
            challenge += f', error="{error}"'
        self.headers = {"WWW-Authenticate": challenge}


class Forbidden(GazetteError):
    status = 403
