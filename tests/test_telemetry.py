"""FastAPI's OpenTelemetry support is left as FastAPI sets it where telemetry could be sent,
and switched off where it could not (app.telemetry)."""

import importlib.util
from importlib.machinery import ModuleSpec

import pytest
from opentelemetry import trace

from app import telemetry
from app.config import Settings
from app.main import create_app
from app.telemetry import OFF, telemetry_config

pytestmark = pytest.mark.backend_independent(reason="FastAPI's telemetry switch")


def test_without_an_sdk_a_provider_or_an_agent_it_is_off() -> None:
    assert importlib.util.find_spec("opentelemetry.sdk") is None  # the pins hold no SDK
    assert telemetry_config() == OFF


def test_the_app_is_built_with_it(settings: Settings) -> None:
    app = create_app(settings)
    # FastAPI keeps the configuration it was given under a private name.
    assert {name: app._telemetry[name] for name in OFF} == OFF  # type: ignore[literal-required]


@pytest.mark.parametrize("variable", telemetry.PROVIDER_VARIABLES)
def test_a_provider_named_in_the_environment_keeps_fastapis_defaults(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "vendor.provider")
    assert telemetry_config() is None


def test_an_installed_sdk_keeps_fastapis_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    found = importlib.util.find_spec

    def with_sdk(name: str) -> ModuleSpec | None:
        return ModuleSpec(name, None) if name == "opentelemetry.sdk" else found(name)

    monkeypatch.setattr(telemetry.importlib.util, "find_spec", with_sdk)
    assert telemetry_config() is None


def test_a_tracer_provider_set_before_the_app_keeps_fastapis_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telemetry.trace, "get_tracer_provider", trace.NoOpTracerProvider)
    assert telemetry_config() is None
