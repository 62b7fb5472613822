"""Search snippets: the words a query matched, marked, in the one field of the record they
matched, the same on every engine.

A search document (app/search.py) is a title and a body whose fields (the city, the
summary, each participant's name, each quote, ...) are kept apart by `FIELD_SEPARATOR`,
which every tokenizer reads as a separator. The snippet is the field holding the most of
the query's words (the title first on a tie), or `SNIPPET_TOKENS` of its words around
them; each word of the record that starts with a query word, compared as the index
compares them (case and accents folded), is wrapped in `<mark>…</mark>`. Nothing else is
marked: not the record's type, not another field's words.
"""

import re
import unicodedata

from app.storage.reader import search_words

# Between the fields of a search document's body: the ASCII unit separator, a control
# character, which no field holds and every tokenizer splits words at.
FIELD_SEPARATOR = "\x1f"
# The words a snippet shows at most, and those it shows before the first matched word.
SNIPPET_TOKENS = 16
LEAD_TOKENS = 3
ELLIPSIS = "…"

_TOKEN = re.compile(r"[^\W_]+")


def folded(text: str) -> str:
    """Text as the index compares it: lower case, without diacritics."""
    if text.isascii():  # nothing to decompose (the same answer, without the work)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _prefixes(query: str) -> list[str]:
    """The query's words as the prefixes they match (an `a_b` word holds two)."""
    return [token for word in search_words(query) for token in _TOKEN.findall(folded(word))]


def _matches(field: str, prefixes: list[str]) -> tuple[list[re.Match[str]], list[int], int]:
    """The field's words, the positions of those a prefix matches, and how many distinct
    prefixes match."""
    tokens = list(_TOKEN.finditer(field))
    matched, found = [], set()
    for position, token in enumerate(tokens):
        word = folded(token.group())
        hits = {prefix for prefix in prefixes if word.startswith(prefix)}
        if hits:
            matched.append(position)
            found |= hits
    return tokens, matched, len(found)


def snippet(query: str, title: str, body: str) -> str:
    """The snippet of a matched record (see the module's docstring)."""
    prefixes = _prefixes(query)
    fields = [title, *(field for field in body.split(FIELD_SEPARATOR) if field.strip())]
    best: tuple[str, list[re.Match[str]], list[int]] | None = None
    most = 0
    for field in fields:
        if field.isascii() and not any(prefix in field.lower() for prefix in prefixes):
            continue  # no word of it can start with a prefix it does not hold
        tokens, matched, distinct = _matches(field, prefixes)
        if distinct > most:
            best, most = (field, tokens, matched), distinct
    if best is None:
        return title.strip()
    field, tokens, matched = best
    start, end = _window(len(tokens), matched)
    low = 0 if start == 0 else tokens[start].start()
    high = len(field) if end == len(tokens) else tokens[end - 1].end()
    pieces = [ELLIPSIS] if start > 0 else []
    at = low
    for position in (p for p in matched if start <= p < end):
        token = tokens[position]
        pieces += [field[at : token.start()], "<mark>", token.group(), "</mark>"]
        at = token.end()
    pieces.append(field[at:high])
    if end < len(tokens):
        pieces.append(ELLIPSIS)
    return " ".join("".join(pieces).split())


def _window(count: int, matched: list[int]) -> tuple[int, int]:
    """The words [start, end) shown: at most SNIPPET_TOKENS, holding the most matched words,
    from LEAD_TOKENS before one of them (the first such window)."""
    if count <= SNIPPET_TOKENS:
        return 0, count
    best = (0, 0)
    for position in matched:
        start = max(0, min(position - LEAD_TOKENS, count - SNIPPET_TOKENS))
        held = sum(1 for p in matched if start <= p < start + SNIPPET_TOKENS)
        if held > best[0]:
            best = (held, start)
    return best[1], best[1] + SNIPPET_TOKENS
