"""OpenTelemetry: FastAPI's own request traces, metrics and logs, where they can go anywhere.

FastAPI records them by default, and checks on every request whether an OpenTelemetry
provider has been set up, for a check that cannot succeed here (what it cost:
docs/decisions/0014-own-middleware.md). This service pins only OpenTelemetry's API;
sending telemetry needs its SDK (`opentelemetry-sdk`, which FastAPI's `FASTAPI_OTEL_AUTO_CONFIGURE`
uses too) or a vendor's provider. So FastAPI's telemetry stays as FastAPI sets it when any of
these holds when the app is built, and is off otherwise:

- the SDK is installed;
- an `OTEL_PYTHON_TRACER_PROVIDER`, `OTEL_PYTHON_METER_PROVIDER` or
  `OTEL_PYTHON_LOGGER_PROVIDER` environment variable names a provider;
- a tracer provider is set already (an agent that starts before the app, such as
  `opentelemetry-instrument`).
"""

import importlib.util
import os

from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace

PROVIDER_VARIABLES = (
    "OTEL_PYTHON_TRACER_PROVIDER",
    "OTEL_PYTHON_METER_PROVIDER",
    "OTEL_PYTHON_LOGGER_PROVIDER",
)
OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def can_send() -> bool:
    """Whether telemetry recorded by FastAPI could reach anything (see above)."""
    return (
        importlib.util.find_spec("opentelemetry.sdk") is not None
        or any(os.environ.get(name) for name in PROVIDER_VARIABLES)
        or not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    )


def telemetry_config() -> TelemetryConfig | None:
    """FastAPI's `telemetry=`: its defaults (None) where telemetry can be sent, else off."""
    return None if can_send() else OFF
