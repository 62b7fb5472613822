"""Countries: a list page with the API's filters, and a page per country (by either code)."""

from fastapi.testclient import TestClient

from tests.pages.support import BROWSER, read


def test_the_countries_with_visits_are_listed_with_their_counts(client: TestClient) -> None:
    response = client.get("/countries?has_visits=true&sort=name", headers=BROWSER)
    assert response.status_code == 200
    document = read(response.text)
    assert document.headings[0] == (1, "Countries")
    api = client.get("/v1/countries?has_visits=true&sort=name").json()["items"]
    names = [document.link_texts[href] for href in document.links if href.startswith("/countries/")]
    assert names == [country["name"] for country in api]
    cuba = next(country for country in api if country["code"] == "CU")
    assert f"CU, CUB · visits made: 0 · visits hosted: {cuba['visits_hosted']}" in document.text
    assert document.link_texts["/visits?host_country=CU"] == str(cuba["visits_hosted"])
    assert document.having("select", name="has_visits")[0]["id"] == "f-has_visits"
    home = read(client.get("/", headers=BROWSER).text)
    assert home.link_texts["/countries"] == "Countries"  # in the site's navigation


def test_a_country_page_answers_to_either_code_in_any_case(client: TestClient) -> None:
    for code in ("CU", "cu", "CUB", "cub"):
        document = read(client.get(f"/countries/{code}", headers=BROWSER).text)
        assert document.headings[0] == (1, "Cuba")
        assert document.link_texts["/v1/countries/CU"] == "JSON"
    missing = client.get("/countries/ZZ", headers=BROWSER)
    assert missing.status_code == 404
    assert "No country has the id 'ZZ'." in read(missing.text).text
