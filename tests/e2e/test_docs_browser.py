"""The interactive docs in a real browser: Debian's headless Chromium, driven by Playwright.

Swagger UI: expand `GET /v1/visits`, "Try it out", set `host_country=CU`, Execute, and read
the 200 response holding the Havana visit; a screenshot of the executed request is saved to
`test-artifacts/docs-try-it-out.png`. ReDoc: find the visits section. Every request either
page makes is watched, and any to another host than the test's server is blocked and fails
the test: the docs work with no internet.
"""

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.e2e.browser import ARTIFACTS, TIMEOUT_MS, launched

pytestmark = pytest.mark.backend_independent(reason="Swagger UI and the docs in a browser")

SCREENSHOT = ARTIFACTS / "docs-try-it-out.png"
# ReDoc's sidebar footer ("API docs by Redocly") shows a logo that its bundle loads from
# Redocly's CDN, with no option to turn it off; blocked, the image hides itself and nothing
# else changes. It is the one outside request tolerated.
REDOC_FOOTER_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# Rendering a whole OpenAPI document takes a few seconds (TIMEOUT_MS allows for a busy machine).
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, for the module's tests (skipped where it is not installed)."""
    yield from launched()


class Offline:
    """A browser context that lets requests reach the test's server and blocks all others."""

    def __init__(self, browser: Browser, api_url: str) -> None:
        self.server = urlsplit(api_url).netloc
        self.requested: list[str] = []
        self.blocked: list[str] = []
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1280, "height": 1400}, service_workers="block"
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.on("request", lambda request: self.requested.append(request.url))
        self.context.route("**/*", self._guard)

    def local(self, url: str) -> bool:
        """Whether `url` is the test's server (or data the page made itself)."""
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob") or parts.netloc == self.server

    def _guard(self, route: Route) -> None:
        if self.local(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    def outside(self) -> set[str]:
        """Every URL the pages asked for that is not on the test's server."""
        return {url for url in self.requested + self.blocked if not self.local(url)}


@pytest.fixture
def offline(browser: Browser, api_url: str) -> Iterator[Offline]:
    """A fresh offline context for one test."""
    guarded = Offline(browser, api_url)
    try:
        yield guarded
    finally:
        guarded.context.close()


def test_swagger_ui_try_it_out_lists_the_havana_visit(
    offline: Offline, api_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page: Page = offline.context.new_page()
    page.goto(f"{api_url}/docs")
    operation = page.locator("#operations-visits-list_visits")
    expect(operation).to_be_visible()

    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    host_country = operation.locator('tr[data-param-name="host_country"]')
    # An array parameter (several values): Swagger UI adds one input per value.
    host_country.get_by_role("button", name="Add string item").click()
    host_country.locator("input").fill("CU")
    operation.get_by_role("button", name="Execute").click()

    response = operation.locator(".live-responses-table .response").first
    expect(response.locator(".response-col_status")).to_have_text("200")
    request_url = operation.locator(".request-url pre").inner_text()
    assert request_url.startswith(f"{api_url}/v1/visits?")
    assert "host_country=CU" in request_url.split("?")[1].split("&")
    body = json.loads(response.locator(".response-col_description pre").first.inner_text())
    assert [visit["id"] for visit in body["items"]] == ["2023-06-raisi-cuba"]
    assert body["items"][0]["city"] == "Havana"
    assert body["total"] == 1

    host_country.evaluate("row => row.scrollIntoView({block: 'start'})")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT)
    with capsys.disabled():
        print(f"\nscreenshot of the executed request in Swagger UI: {SCREENSHOT}")

    assert offline.outside() == set()


def test_redoc_shows_the_visits_section(offline: Offline, api_url: str) -> None:
    page = offline.context.new_page()
    page.goto(f"{api_url}/redoc")
    section = page.locator('[data-section-id="tag/visits"]')
    expect(section.get_by_role("heading", name="visits")).to_be_visible()
    expect(section).to_contain_text("Stays of a visitor in a host country")

    page.locator(".menu-content").get_by_text("visits", exact=True).click()
    expect(page).to_have_url(re.compile(r"#tag/visits$"))
    operation = page.locator('[data-section-id="tag/visits/operation/list_visits"]')
    expect(operation).to_contain_text("/v1/visits")

    assert offline.outside() <= {REDOC_FOOTER_LOGO}
