"""The home page: what the data holds, the latest visits, the most cited sources."""

from app.pages import data
from app.pages.render import render
from app.storage import Reader

LATEST = 5  # latest visits on the home page
CITED = 10  # the most cited sources on the home page (all of them: /sources)


def home_html(db: Reader) -> str:
    """The home page's HTML (it takes no parameters: one page per data version)."""
    visits = data.RESOURCES["visits"]
    dated = {"date_from": data.EARLIEST}
    earliest, _ = data.first(db, visits, dated, "start_date", 1)
    latest, _ = data.first(db, visits, {}, "-start_date", LATEST)
    dataset = data.dataset(db)
    cited = sorted(dataset["sources"], key=lambda s: (-s["citation_count"], s["id"]))
    context = {
        "dataset": dataset,
        "datasets": data.datasets(db),
        "cited": cited[:CITED],
        "earliest": earliest[0]["start_date"] if earliest else None,
        "latest": latest,
        "resources": data.RESOURCES,
    }
    return render("home.html", context)
