"""Request ids and the access log: one JSON line per request, the id echoed to the client.

The id is the client's `X-Request-ID` when it is a sane token (letters, digits and `._:=+-`,
at most 128), otherwise a new random one; either way it comes back in `X-Request-ID` and is on
every log line written while the request is served (see `app.logs`), problems included.
"""

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.problems import Problems, noted_problem
from app.errors import ApiError
from app.logs import ACCESS_LOGGER, log_access, request_id

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+-]{0,127}")

access_logger = logging.getLogger(ACCESS_LOGGER)
logger = logging.getLogger("app")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_NAME:
            text = value.decode("latin-1")
            return text if VALID_REQUEST_ID.fullmatch(text) else None
    return None


INTERNAL_ERROR = ApiError(
    500, "internal-error", "Internal error", "Something went wrong on our side."
)


class AccessLog:
    """Gives each request an id, echoes it, logs one line when the answer is sent, and answers
    a last-resort 500 problem (logged with the id) when a handler fails unexpectedly."""

    def __init__(self, app: ASGIApp, problems: Problems) -> None:
        self.app = app
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with its id set; log it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        current = _incoming_id(scope) or os.urandom(16).hex()  # 128 random bits, as 32 hex digits
        echoed = current.encode("latin-1")
        token = request_id.set(current)
        # Made here, so that the copies of the scope made further in share it with this one
        # (the problem that answered is noted in it).
        scope.setdefault("state", {})
        status = 0
        sent = 0

        async def tracked(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                # Nothing inside sets this header: appended, not searched for.
                message["headers"] = [*message.get("headers", ()), (_REQUEST_ID_NAME, echoed)]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status:
                raise  # the answer has started: only a broken connection can say it failed
            await self.problems.response(INTERNAL_ERROR, scope)(scope, receive, tracked)
        finally:
            client = scope.get("client")
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": sent,
                "client": client[0] if client else None,
            }
            problem = noted_problem(scope)
            if problem is not None:
                fields["problem"] = problem
            log_access(access_logger, f"{scope['method']} {scope['path']} {status}", fields)
            request_id.reset(token)
