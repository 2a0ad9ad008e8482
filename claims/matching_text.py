"""Text as it arrives, made ready for matching (claims/matching.py).

A tweet or post carries things that say nothing about its claim, and would otherwise weigh as
its rarest words: links (``https://t.co/…``, ``pic.twitter.com/…`` even glued to the word
before it, ``www.…``), ``RT @handle:`` and HTML entities. The "— Name (@handle) January 14,
2020" trailer of an embedded tweet becomes "Name January 2020": who said it and when are what a
fact-check of it names ("In January 2020, U.S. Rep. Ilhan Omar said …"; keeping them raised
MAP@5 on the CLEF-2020 training tweets from 0.84 to 0.88, benchmarks/README.md), the handle and
the day are noise. Handles and hashtags do carry names and topics, so they are kept as words, split where
their letter case changes (``#AustralianFires`` → "Australian Fires", ``@realDonaldTrump`` →
"real Donald Trump"). An article's text carries typographic quotes and dashes (made plain) and
boilerplate lines ("Advertisement", "Read more: …", "Click here to subscribe"), dropped.

The rules are about characters, not words of one language: ``\\w`` is any letter or digit of any
script, so a French, German or Greek post is cleaned the same way. Accents are left in place:
the ``claimtrack`` search configuration and ``claimtrack_unaccent`` remove them on both sides
(the text and the stored claims), so "Zarif" and "Żarif" match whichever way round.
"""

import functools
import html
import re
import unicodedata

# ``pic.twitter.com/…`` is often glued to the hashtag before it ("#Hanukkahpic.twitter.com/…").
_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S*|\b[\w-]+\.(?:ly|gl|co)/\w+", re.IGNORECASE)
# "— Name (@handle) Month day, year" at the end of an embedded tweet (any dash, any month word):
# the name, the month and the year are kept, the handle and the day dropped.
_TRAILER = re.compile(
    r"\s*[\u2014\u2013-]{1,2}\s*(?P<name>[^\u2014\u2013\n(]{0,80})\(@\w{1,30}\)\s*(?P<month>[^\W\d_]+)\.?\s+\d{1,2},?\s+(?P<year>\d{4})\s*$"
)
_RETWEET = re.compile(r"^\s*RT\s+@\w+:?\s*")
_TAG = re.compile(r"(?<![\w@#])[@#](\w+)")
_CASE_CHANGE = re.compile(
    r"(?<=[a-z\d])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])"
)
_BOILERPLATE = re.compile(
    r"^\s*(?:advertisement|sponsored|read more\b.*|related:.*|click here\b.*|subscribe\b.*|"
    r"sign up\b.*|share this\b.*|follow us\b.*|all rights reserved.*|©.*)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")


def _split_tag(match: re.Match) -> str:
    return " " + _CASE_CHANGE.sub(" ", match.group(1).replace("_", " ")) + " "


def _trailer(match: re.Match) -> str:
    return f" {match.group('name').strip()} {match.group('month')} {match.group('year')}"


def normalise(text: str) -> str:
    """``text`` with what carries no claim removed (see the module's docstring), on one line.
    Idempotent; the empty string for a text made only of links and handles' punctuation."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    text = _TRAILER.sub(_trailer, text)
    text = _RETWEET.sub("", text)
    text = _URL.sub(" ", text)
    text = _BOILERPLATE.sub("", text)
    text = text.translate(_PLAIN)
    text = _TAG.sub(_split_tag, text)
    return _SPACE.sub(" ", text).strip()


WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def fold(text: str) -> str:
    """Lower case without accents, to compare words of either form."""
    text = text.lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def numbers(text: str) -> set[str]:
    """The numbers of ``text``, in figures ("1,000" and "1000" alike) or in English words
    ("twenty one", "twenty-one" → "21")."""
    found = {match.replace(",", "").rstrip(".") for match in _NUMBER.findall(text)}
    current = total = None
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _UNITS or word in _TENS:
            current = (current or 0) + _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word in _SCALES and (current is not None or total is not None):
            total = (total or 0) + (current or 1) * _SCALES[word]
            current = None
        elif word == "and" and (current is not None or total is not None):
            continue
        elif current is not None or total is not None:
            found.add(str((total or 0) + (current or 0)))
            current = total = None
    if current is not None or total is not None:
        found.add(str((total or 0) + (current or 0)))
    return found


_SENTENCE_START = re.compile(r"(?:^|[.!?:\"]\s+)(\w+)")


def names(text: str) -> set[str]:
    """The capitalised words of ``text`` that do not open a sentence, folded."""
    openers = {match.group(1) for match in _SENTENCE_START.finditer(text)}
    capitalised = [word for word in WORD.findall(text) if word[0].isupper() and len(word) > 1]
    return set(fold(" ".join(word for word in capitalised if word not in openers)).split())


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams of ``text`` with accents removed: each run of letters and digits,
    lower-cased and padded with two spaces before and one after, cut in three-character
    pieces ("Cat" gives "  c", " ca", "cat", "at ")."""
    found: set[str] = set()
    for word in WORD.findall(fold(text)):
        found |= _word_trigrams(word)
    return found


@functools.lru_cache(maxsize=100_000)
def _word_trigrams(word: str) -> frozenset[str]:
    # Matching scores a hundred claims per text, mostly of the same words: cut each once.
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(first: set[str], second: set[str]) -> float:
    """pg_trgm's ``similarity``: the share of the two trigram sets' union that they share."""
    shared = len(first & second)
    union = len(first) + len(second) - shared  # counted without building the union of a long text
    return shared / union if union else 0.0


def containment(part: set[str], whole: set[str]) -> float:
    """The share of ``part``'s trigrams found in ``whole`` (1: all its words are there), close
    to pg_trgm's ``word_similarity`` without the cost of finding the best extent."""
    return len(part & whole) / len(part) if part else 0.0
