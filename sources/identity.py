"""The identity key of a publisher's name: two names with the same key are the same publisher.

``name_key`` folds away everything that makes two names look alike without being equal, in
this order:

1. Unicode NFKC (fullwidth letters become ``Reuters``, ligatures and compatibility
   forms their plain letters);
2. format characters removed (general category ``Cf``: zero-width space and joiners, the
   byte-order mark, bidirectional controls, soft hyphen);
3. case folded (``str.casefold``: ``ß`` and ``ss`` alike);
4. white space collapsed (any run of Unicode white space is one space; none at the ends);
5. the confusable skeleton of Unicode Technical Standard #39 (section 4), computed by ICU's
   SpoofChecker (PyICU), whose data is the Unicode consortium's ``confusables.txt``: Cyrillic
   ``\u0435`` and Latin ``e`` have the same skeleton, as have ``0`` and ``O``, ``l`` and ``1``;
6. steps 3 and 4 again, since a prototype may be a capital or a space.

The key is stored in ``Publisher.name_key`` under a unique constraint, so the database refuses
a second publisher with the same key whatever door it comes through."""

import re
import unicodedata
from functools import cache

import icu

_SPACES = re.compile(r"\s+")


@cache
def _checker() -> "icu.SpoofChecker":
    return icu.SpoofChecker()


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text.casefold()).strip()


def name_key(name: str) -> str:
    """The key under which a publisher's name is unique (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = _fold(text)
    # The first argument (which confusables table) is ignored since ICU 58: there is one.
    skeleton = _checker().getSkeleton(0, text)
    return _fold(unicodedata.normalize("NFC", skeleton))


def lookalike_groups(names: "dict[int, str]") -> list[list[int]]:
    """The ids of publishers whose names share a key, oldest (lowest id) first: each group of
    two or more is one publisher stored more than once."""
    by_key: dict[str, list[int]] = {}
    for pk in sorted(names):
        by_key.setdefault(name_key(names[pk]), []).append(pk)
    return [ids for ids in by_key.values() if len(ids) > 1]


def fill_name_keys(publisher_model) -> list[list[int]]:
    """Give every publisher without a key its key; of a group of look-alikes already stored,
    only the oldest gets it (the others keep a null key, so the unique constraint holds, until
    they are merged or renamed). Returns the look-alike groups. Used by the migration that
    adds the key, with its historical model."""
    names = dict(publisher_model.objects.values_list("id", "name"))
    taken = set(publisher_model.objects.exclude(name_key=None).values_list("name_key", flat=True))
    groups = lookalike_groups(names)
    later = {pk for ids in groups for pk in ids[1:]}
    for pk, name in sorted(names.items()):
        key = name_key(name)
        if pk in later or key in taken:
            continue
        publisher_model.objects.filter(pk=pk, name_key=None).update(name_key=key)
        taken.add(key)
    return groups
