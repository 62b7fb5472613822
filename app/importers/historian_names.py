"""Foreign leaders as the Historian writes them: a title and a name from one line of text.

The visits data gives each visitor as one line: "Prime Minister Benjamin Netanyahu",
"King Juan Carlos I", "President of the Council of Ministers Hussain Mohammad Ershad",
"President Andrzej Duda and Prime Minister Donald Tusk". A title is taken off the front only
when it is one of `TITLES`, written out in full and followed by something that reads as a
name; a line is split into several people only when every part is such a title and name.
Anything else is kept whole as the name, with no title: a wrong split would invent a person or
a title, a line kept whole only leaves one unparsed.

The same person across visits is one participant: names are compared by `name_key` (case,
accents, punctuation and a leading honorific aside), within one country.
"""

import re
import unicodedata
from dataclasses import dataclass

# Offices and ranks as the data writes them. Longer titles are tried first, so "Prime Minister"
# wins over a shorter prefix and "Chairman of the Presidency" over "Chairman".
TITLES = (
    "President of the Council of Ministers",
    "Chairman of the Council of Ministers",
    "Chairman of the Presidency",
    "Acting Prime Minister",
    "Interim Prime Minister",
    "Deputy Prime Minister",
    "Prime Minister-elect",
    "Prime Minister",
    "Acting President",
    "Interim President",
    "Provisional President",
    "Vice President",
    "President-designate",
    "President-elect",
    "President",
    "Vice Premier",
    "Premier",
    "Federal Chancellor",
    "Chancellor-elect",
    "Chancellor",
    "General Secretary",
    "First Secretary",
    "Chairman",
    "Chief of State",
    "Head of State",
    "Junta Member",
    "Governor General",
    "Brigadier General",
    "Lieutenant General",
    "General",
    "Crown Prince",
    "Grand Duchess",
    "Grand Duke",
    "Emperor",
    "Empress",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Regent",
    "Amir",
    "Emir",
    "Sultan",
    "Sheikh",
    "Shah",
    "Pope",
    "Taoiseach",
)
_FIRST_WORD = re.compile(r"[^\s-]+")
# The titles a line may open with, by their first word (case aside), longest first.
_BY_FIRST_WORD: dict[str, tuple[str, ...]] = {}
for _title in sorted(TITLES, key=len, reverse=True):
    _word = _FIRST_WORD.match(_title)
    assert _word is not None
    _BY_FIRST_WORD[_word.group().casefold()] = (
        *_BY_FIRST_WORD.get(_word.group().casefold(), ()),
        _title,
    )

# Lower-case words a name may start with ("de Gaulle", "van Agt", "al-Sabah").
PARTICLES = frozenset(
    {"al", "bin", "d", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du"}
    | {"el", "ibn", "la", "le", "ten", "ter", "van", "von"}
)

# Words that start a name without being part of how the person is told apart from others.
HONORIFICS = frozenset({"dr", "sheik", "sheikh"})

# The only comma a single name may hold is the one before a generational suffix.
_SUFFIX_COMMA = re.compile(r",\s*(?:Jr|Sr|\d+(?:st|nd|rd|th)|[IVX]+)\.?$")
_JOINS = re.compile(r"\s*(?:,|&|;|\band\b)\s*", re.IGNORECASE)
_LIST_MARKS = re.compile(r"[&;/]|\band\b", re.IGNORECASE)
_FIRST_WORD = re.compile(r"^([^\s\-’']+)")

# Letters that Unicode decomposition leaves as they are, spelled in ASCII for keys and ids.
_ASCII = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ħ": "h"}
)


@dataclass(frozen=True)
class Person:
    """One visitor: the title as the data writes it (None if none was found) and the name."""

    title: str | None
    name: str


def collapse(text: str) -> str:
    """Whitespace runs (the XML's line breaks and indentation) as single spaces, trimmed."""
    return " ".join(text.split())


def name_key(name: str) -> str:
    """The form two spellings of one name share: "Kim Dae-Jung" and "Kim Dae-jung" alike."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_ASCII)
    words = re.sub(r"[^a-z0-9]+", " ", bare).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words.pop(0)
    return " ".join(words)


def _reads_as_name(text: str) -> bool:
    if not text or _LIST_MARKS.search(text):
        return False
    if "," in _SUFFIX_COMMA.sub("", text):
        return False
    first = _FIRST_WORD.match(text)
    if first is None:
        return False
    word = first.group(1)
    return word[0].isupper() or word.lower() in PARTICLES


def _titled(text: str) -> Person | None:
    first = _FIRST_WORD.match(text)
    for title in _BY_FIRST_WORD.get(first.group().casefold(), ()) if first else ():
        head, rest = text[: len(title)], text[len(title) :]
        if head.casefold() == title.casefold() and rest[:1].isspace():
            name = rest.strip()
            if _reads_as_name(name):
                return Person(head, name)
            return None
    return None


def parse_visitor(text: str) -> list[Person]:
    """The people one visitor line names, each with title and name; [] for an empty line."""
    line = collapse(text)
    if not line:
        return []
    parts = _JOINS.split(line)
    if len(parts) > 1:
        people = [_titled(part) for part in parts]
        if all(people):
            return [person for person in people if person is not None]
    person = _titled(line)
    return [person] if person is not None else [Person(None, line)]
