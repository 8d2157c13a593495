"""Personal data as each user may see it (UU 27/2022).

Those who may see NIKs (``permissions.may_see_nik``: operators and admins) work on the list
with full NIKs; everyone else (koordinators) sees every NIK masked as ``53xxxxxxxxxx1234``, in
every page, export, note and change reason.
"""

from residents.nik import mask_nik, mask_niks_in_text
from residents.permissions import may_see_nik


def nik_for(nik, user) -> str:
    """The NIK itself for those who may see it, else masked: ``53xxxxxxxxxx1234``."""
    if not nik:
        return ""
    return nik if may_see_nik(user) else mask_nik(nik)


def niks_masked_for(text, user) -> str:
    """Free text (a note, a change reason) with its NIKs masked for those who may not see them."""
    if not text:
        return ""
    return text if may_see_nik(user) else mask_niks_in_text(text)
