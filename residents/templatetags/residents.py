"""Personal data as each user may see it: full NIKs only for those who work on the list.

A koordinator (no ``residents.change_resident``) sees every NIK masked as ``53xxxxxxxxxx1234``
(UU 27/2022), in every page that shows one: ``{{ resident.nik|nik_for:user }}``; free text that
may hold a NIK (a note, a change reason) goes through ``{{ note|niks_masked_for:user }}``.
"""

from django import template

from residents import nik, privacy

register = template.Library()

register.filter("nik_for", privacy.nik_for)
register.filter("niks_masked_for", privacy.niks_masked_for)


@register.filter(name="age_on")
def age_on_filter(birth_date, day):
    """``{{ resident.birth_date|age_on:visit.date }}``: the age in years on that day."""
    if not birth_date or not day:
        return ""
    return nik.age_on(birth_date, day)


@register.filter
def mask_niks(text):
    """``{{ request.get_full_path|mask_niks }}``: every NIK masked, whoever reads it; for
    addresses echoed back, which must never carry a whole NIK."""
    return nik.mask_niks_in_text(text)
