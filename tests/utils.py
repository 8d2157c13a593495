import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError


def only_error(instance, field):
    """full_clean()'s error on `field`, checking that no other field failed."""
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    assert set(exc.value.error_dict) == {field}
    return exc.value.error_dict[field][0]


def assert_ledger_agrees(campaign):
    """Per kecamatan, the ledger's sum equals the residents still counted by the campaign."""
    from residents.models import BacklogEntry

    for kecamatan_id in {r.desa.kecamatan_id for r in campaign.residents.select_related("desa")}:
        ledger = BacklogEntry.objects.filter(campaign=campaign, kecamatan_id=kecamatan_id).total()
        listed = campaign.residents.in_backlog().filter(desa__kecamatan_id=kecamatan_id).count()
        assert ledger == listed, (kecamatan_id, ledger, listed)


# A whole NIK: 16 digits with no digit either side; in text people typed, perhaps grouped
# (5303 0212 0390 0001, 5303-0212-0390-0001, 53.03.02/...). Written apart from the app's own
# pattern, so that a mistake in that one is caught here.
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
GROUPED_NIK = re.compile(r"(?<!\d)\d(?:[ ._/,:|+()\-\u2014\u200b]?\d){15}(?!\d)")
# Markup, where numbers stand in a row without being a NIK (an SVG path, CSS).
MARKUP = re.compile(r"<(style|script)\b.*?</\1>|<[^>]*>", re.DOTALL)


def response_text(response):
    """Everything a response sends, as text: an xlsx is unzipped, each of its parts read."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def full_niks_in(response):
    """The whole NIKs a response holds: anywhere as 16 digits, and grouped in a page's text
    (in a CSV, commas stand between numbers)."""
    text = response_text(response)
    found = FULL_NIK.findall(text)
    if response.get("Content-Type", "").startswith("text/html"):
        found += GROUPED_NIK.findall(MARKUP.sub(" ", text))
    return found
