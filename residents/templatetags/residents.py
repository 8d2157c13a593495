"""Personal data as each user may see it: full NIKs only for those who work on the list.

A koordinator (no ``residents.change_resident``) sees every NIK masked as ``53xxxxxxxxxx1234``
(UU 27/2022), in every page that shows one: ``{{ resident.nik|nik_for:user }}``; free text that
may hold a NIK (a note, a change reason) goes through ``{{ note|niks_masked_for:user }}``.
"""

import datetime

from django import template

from residents.nik import mask_nik, mask_niks_in_text

register = template.Library()


def may_see_nik(user) -> bool:
    """Operators and admins work on the list with full NIKs; everyone else sees them masked."""
    return user.has_perm("residents.change_resident")


@register.filter
def nik_for(nik, user):
    """The NIK itself for those who may see it, else masked: ``53xxxxxxxxxx1234``."""
    if not nik:
        return ""
    return nik if may_see_nik(user) else mask_nik(nik)


@register.filter
def niks_masked_for(text, user):
    """A note or change reason, with the NIKs in it masked for those who may not see them."""
    if not text:
        return ""
    return text if may_see_nik(user) else mask_niks_in_text(text)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@register.filter(name="age_on")
def age_on_filter(birth_date, day):
    """``{{ resident.birth_date|age_on:visit.date }}``: the age in years on that day."""
    if not birth_date or not day:
        return ""
    return age_on(birth_date, day)
