"""The pages in a real browser, as people use them: Debian's headless Chromium with scripts off,
by keyboard, at phone width; and axe-core on every kind of page, in light and dark.

Every request a page makes is watched: one to any other host fails the test.
"""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import ARTIFACTS, TIMEOUT_MS, axe_violations, launched

pytestmark = pytest.mark.backend_independent(
    reason="the pages in a browser; their answers run on both engines in tests/pages"
)

expect.set_options(timeout=TIMEOUT_MS)
PHONE = {"width": 390, "height": 844}

# One of each kind of page.
PAGE_KINDS = {
    "home": "/",
    "visits": "/visits",
    "meetings": "/meetings",
    "agreements": "/agreements",
    "participants": "/participants",
    "tours": "/tours",
    "sources": "/sources",
    "countries": "/countries",
    "visit": "/visits/2023-06-raisi-cuba",
    "meeting": "/meetings/2023-06-15-havana-signing-ceremony",
    "agreement": "/agreements/2023-06-15-iran-cuba-cooperation-documents",
    "participant": "/participants/ebrahim-raisi",
    "tour": "/tours/2023-06-raisi-latin-america",
    "source": "/sources/tdi-2023-06-16-raisi-havana",
    "country": "/countries/CU",
    "search": "/search",
    "search results": "/search?q=havana",
    "not found": "/visits/no-such-visit",
    "invalid parameters": "/agreements?status=lost&limit=0",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for this module."""
    yield from launched()


class Visitor:
    """A person's browser: scripts off unless asked, every request to another host refused."""

    def __init__(self, browser: Browser, base: str, **options: object) -> None:
        self.base = base
        self.outside: list[str] = []
        options.setdefault("java_script_enabled", False)
        self.context: BrowserContext = browser.new_context(**options)  # type: ignore[arg-type]
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route("**/*", self._guard)
        self.page: Page = self.context.new_page()

    def _guard(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if urlsplit(url).netloc == urlsplit(self.base).netloc:
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page


@pytest.fixture
def visitor(browser: Browser, api_url: str) -> Iterator[Visitor]:
    """A person with scripts off, on a desktop screen."""
    person = Visitor(browser, api_url, viewport={"width": 1280, "height": 900})
    yield person
    person.context.close()
    assert person.outside == []


def test_search_by_keyboard_and_open_a_result(visitor: Visitor) -> None:
    page = visitor.open("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    search_box = page.get_by_role("searchbox", name="Search every record")
    while not search_box.evaluate("box => box === document.activeElement"):
        page.keyboard.press("Tab")
    page.keyboard.type("díaz canel")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=d%C3%ADaz\+canel$"))
    heading = page.get_by_role("heading", level=2)
    expect(heading).to_contain_text("for “díaz canel”")
    first = page.locator(".hits h3 a").first
    title = first.inner_text()
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("link", name="JSON")).to_be_visible()


def test_page_through_a_list_and_back(visitor: Visitor) -> None:
    page = visitor.open("/visits?limit=1")
    names = page.locator(".records h3")
    expect(names).to_have_text(["Ebrahim Raisi in Cuba, Havana"])
    page.get_by_role("link", name="Next page").click()
    expect(names).to_have_text(["Ebrahim Raisi in Nicaragua, Managua"])
    page.get_by_role("link", name="Next page").click()
    expect(names).to_have_text(["Ebrahim Raisi in Venezuela, Caracas"])
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.get_by_role("link", name="Previous page").click()
    expect(names).to_have_text(["Ebrahim Raisi in Nicaragua, Managua"])
    page.get_by_role("link", name="Previous page").click()
    expect(names).to_have_text(["Ebrahim Raisi in Cuba, Havana"])
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)


def test_page_through_search_results_and_back(visitor: Visitor) -> None:
    page = visitor.open("/search?q=havana&limit=2")
    titles = page.locator(".hits h3")
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)
    seen = [titles.all_inner_texts()]
    for _ in range(2):
        page.get_by_role("link", name="Next page").click()
        expect(titles).not_to_have_text(seen[-1])
        seen.append(titles.all_inner_texts())
    assert len({tuple(shown) for shown in seen}) == 3
    for shown in reversed(seen[:-1]):
        page.get_by_role("link", name="Previous page").click()
        expect(titles).to_have_text(shown)
    expect(page).to_have_url(re.compile(r"/search\?q=havana&limit=2&before="))
    expect(page.get_by_role("link", name="Previous page")).to_have_count(0)
    expect(page.get_by_role("link", name="Next page")).to_have_count(1)


def test_apply_a_facet_then_a_filter_from_the_form(visitor: Visitor) -> None:
    page = visitor.open("/visits")
    facets = page.get_by_role("complementary")
    facets.get_by_role("link", name="Nicaragua").click()
    expect(page).to_have_url(re.compile(r"/visits\?host_country=NI$"))
    expect(page.locator(".records h3")).to_have_text(["Ebrahim Raisi in Nicaragua, Managua"])
    # A filter is set: the form's other filters are open already.
    expect(page.locator("details.more")).to_have_attribute("open", "")
    page.get_by_role("textbox", name="Host country").fill("cub")
    page.get_by_role("button", name="Show visits").click()
    expect(page.locator(".records h3")).to_have_text(["Ebrahim Raisi in Cuba, Havana"])
    expect(page.get_by_text("1 visit matches these filters")).to_be_visible()
    page.get_by_label("Sort by").select_option("id")
    page.get_by_role("textbox", name="Host country").fill("XX")
    page.get_by_role("button", name="Show visits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invalid parameters")
    expect(page.get_by_role("textbox", name="Host country")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("#e-host_country")).to_have_text(
        "unknown country code 'XX'; use ISO 3166-1 alpha-2 or alpha-3"
    )


@pytest.mark.parametrize(("kind", "path"), list(PAGE_KINDS.items()))
def test_no_sideways_scroll_at_phone_width(
    browser: Browser, api_url: str, kind: str, path: str
) -> None:
    person = Visitor(browser, api_url, viewport=PHONE, is_mobile=True)
    try:
        page = person.open(path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{kind}: {wide} px wide"
        if kind in ("visit", "visits", "participant"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"pages-phone-{kind}.png")
    finally:
        person.context.close()
    assert person.outside == []


def test_focus_is_visible(visitor: Visitor) -> None:
    page = visitor.open("/visits")
    link = page.get_by_role("link", name="Ebrahim Raisi in Cuba, Havana")
    link.focus()
    assert link.evaluate("a => getComputedStyle(a).outlineStyle") == "solid"
    assert link.evaluate("a => getComputedStyle(a).outlineWidth") == "3px"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("kind", "path"), list(PAGE_KINDS.items()))
def test_axe_finds_nothing_serious(
    browser: Browser,
    api_url: str,
    kind: str,
    path: str,
    scheme: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = Visitor(
        browser, api_url, java_script_enabled=True, bypass_csp=True, color_scheme=scheme
    )
    try:
        person.open(path)
        violations = axe_violations(person.page)
    finally:
        person.context.close()
    serious = [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{kind} ({scheme}): {serious}"
    with capsys.disabled():
        if violations:
            print(
                f"\naxe on {kind} ({scheme}): "
                + ", ".join(f"{v['id']} ({v['impact']})" for v in violations)
            )


@pytest.mark.parametrize(
    ("name", "path"), [("record", "/visits/2023-06-raisi-cuba"), ("list", "/visits")]
)
def test_screenshots_for_the_readme(browser: Browser, api_url: str, name: str, path: str) -> None:
    # docs/images/pages-*.png are copies of these (docs/pages.md says how to refresh them).
    person = Visitor(browser, api_url, viewport={"width": 1024, "height": 720})
    try:
        page = person.open(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"pages-{name}.png")
    finally:
        person.context.close()
    assert person.outside == []
