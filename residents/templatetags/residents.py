"""Personal data as each user may see it: full NIKs only for those who work on the list.

A koordinator (no ``residents.change_resident``) sees every NIK masked as ``53xxxxxxxxxx1234``
(UU 27/2022), in every page that shows one: ``{{ resident.nik|nik_for:user }}``; free text that
may hold a NIK (a note, a change reason) goes through ``{{ note|niks_masked_for:user }}``.
"""

import datetime

from django import template

from residents import privacy
from residents.nik import mask_niks_in_text

register = template.Library()

register.filter("nik_for", privacy.nik_for)
register.filter("niks_masked_for", privacy.niks_masked_for)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@register.filter(name="age_on")
def age_on_filter(birth_date, day):
    """``{{ resident.birth_date|age_on:visit.date }}``: the age in years on that day."""
    if not birth_date or not day:
        return ""
    return age_on(birth_date, day)


@register.filter
def mask_niks(text):
    """``{{ request.get_full_path|mask_niks }}``: every NIK masked, whoever reads it; for
    addresses echoed back, which must never carry a whole NIK."""
    return mask_niks_in_text(text)
