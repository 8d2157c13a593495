"""The Indonesian catalogue is complete: no entry left empty or fuzzy after makemessages."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr texts, flags) for every entry but the header."""
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]:
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        head = re.split(r"^msgid_plural |^msgstr", block, flags=re.M)[0]
        msgid = "".join(re.findall(r'"(.*)"', head[head.index("msgid ") :]))
        strings = re.split(r"^msgstr(?:\[\d\])? ", block, flags=re.M)[1:]
        yield msgid, ["".join(re.findall(r'"(.*)"', s)) for s in strings], flags


def test_every_entry_is_translated_and_none_is_fuzzy():
    problems = [
        msgid for msgid, msgstrs, flags in entries() if "fuzzy" in flags or not all(msgstrs)
    ]
    assert problems == []


def test_the_compiled_catalogue_matches_the_source():
    """The .mo is committed (like Django's own) and must be compiled from this .po."""
    simple = [
        (msgid, msgstrs[0])
        for msgid, msgstrs, _ in entries()
        if len(msgstrs) == 1 and "\\" not in msgid + msgstrs[0]
    ]
    assert len(simple) > 200
    with translation.override("id"):
        stale = [msgid for msgid, msgstr in simple if translation.gettext(msgid) != msgstr]
    assert stale == []
