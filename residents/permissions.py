"""Who may do what with the resident list, beyond Django's model permissions."""

from campaigns.models import OperatorScope


def may_see_nik(user) -> bool:
    """Operators and admins work on the list with full NIKs; everyone else sees them masked."""
    return bool(user) and user.has_perm("residents.change_resident")


def may_import(user) -> bool:
    """Operators and admins, but not those limited to some kecamatan: a list covers the
    whole kabupaten."""
    return user.has_perm("residents.add_resident") and (
        OperatorScope.kecamatan_codes_for(user) is None
    )
