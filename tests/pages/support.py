"""Helpers for the page tests: a browser's Accept header and a small HTML reader."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that start a new line of text (their text never runs into their neighbours').
BLOCKS = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "div",
        "section",
        "article",
        "h1",
        "h2",
        "h3",
        "h4",
        "td",
        "th",
        "tr",
        "caption",
        "summary",
        "blockquote",
        "nav",
    ]
)
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@dataclass
class Document:
    """What a test reads from a page: its links, text, elements and quotations."""

    links: list[str] = field(default_factory=list)
    link_texts: dict[str, str] = field(default_factory=dict)  # href -> the link's text
    text: str = ""
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)

    def having(self, tag: str, **attributes: str) -> list[dict[str, str | None]]:
        """The attributes of every `tag` element with these attribute values."""
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(k) == v for k, v in attributes.items())
        ]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.document = Document()
        self.text: list[str] = []
        # Elements whose text is being collected: tag, text so far, href (links).
        self.open: list[tuple[str, list[str], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.document.tags.append((tag, attributes))
        if tag in BLOCKS:
            self.text.append(" ")
        if tag == "a" and attributes.get("href"):
            self.document.links.append(str(attributes["href"]))
        if tag in ("a", "blockquote", "mark", "h1", "h2", "h3", "h4"):
            self.open.append((tag, [], str(attributes.get("href") or "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.text.append(" ")
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                name, pieces, href = self.open.pop(index)
                text = " ".join("".join(pieces).split())
                if name == "a":
                    self.document.link_texts[href] = text
                elif name == "blockquote":
                    self.document.quotes.append(text)
                elif name == "mark":
                    self.document.marks.append(text)
                else:
                    self.document.headings.append((int(name[1]), text))
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, pieces, _ in self.open:
            pieces.append(data)


def read(html: str) -> Document:
    """Read a page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.document.text = " ".join("".join(reader.text).split())
    return reader.document
