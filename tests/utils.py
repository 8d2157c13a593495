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


# A whole NIK: 16 digits with no digit either side.
FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")


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
    return FULL_NIK.findall(response_text(response))
