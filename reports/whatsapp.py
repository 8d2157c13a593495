"""Messages for WhatsApp, where operators and coordinators read them: wa.me links that open
the phone's own WhatsApp with the text written, to send as it is. No gateway, no paid API.

No NIK goes into a message: places and site names are masked as everywhere else.
"""

import datetime
from urllib.parse import quote

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from campaigns.models import Visit
from reports.sets_needed import sets_needed
from residents.nik import mask_niks_in_text


def wa_link(text: str, phone: str = "") -> str:
    """Open WhatsApp with `text` written, to `phone` (62...), or to a contact chosen there."""
    return f"https://wa.me/{phone}?text={quote(text, safe='')}"


def masked_place(visit: Visit) -> str:
    return mask_niks_in_text(visit.place)


def late_report_reminder(visit: Visit, name: str, form_url: str) -> str:
    return _(
        "Hello %(name)s, the report of the visit of %(date)s (set %(set)s, %(place)s) has "
        "not been sent yet. Please send it here: %(url)s"
    ) % {
        "name": name,
        "date": date_format(visit.date, "SHORT_DATE_FORMAT"),
        "set": visit.device.code,
        "place": masked_place(visit),
        "url": form_url,
    }


def reminder_links(visit: Visit, form_url: str) -> list[tuple[str, str]]:
    """(who, link) for each operator the visit names who has a WhatsApp number, or one link
    to a contact chosen in WhatsApp. Needs the visit's operators prefetched with profile."""
    links = []
    for user in visit.operators.all():
        phone = getattr(getattr(user, "profile", None), "phone", "")
        if phone:
            name = user.get_full_name() or user.get_username()
            links.append((name, wa_link(late_report_reminder(visit, name, form_url), phone)))
    if not links:
        links.append(("", wa_link(late_report_reminder(visit, _("colleague"), form_url))))
    return links


def daily_summary(progress, *, tomorrow: list[Visit], sets=None) -> str:
    """The day in a few lines for the coordinators' group: recorded, remaining, days left,
    needed a day, sets needed, tomorrow's places."""
    p = progress
    sets = sets_needed(p) if sets is None else sets  # the page's own, when it has them

    def n(value):
        return "—" if value is None else number_format(value, decimal_pos=0, force_grouping=True)

    places = ", ".join(dict.fromkeys(masked_place(v) for v in tomorrow)) or _("no visit planned")
    return _(
        "e-KTP recording, %(campaign)s, %(date)s: %(recorded)s of %(target)s recorded, "
        "%(remaining)s to go, %(days)s days to %(deadline)s, %(needed)s a day needed. "
        "Sets: %(sets)s. Tomorrow (%(tomorrow)s): %(places)s."
    ) % {
        "campaign": p.campaign.name,
        "date": date_format(p.as_of, "SHORT_DATE_FORMAT"),
        "recorded": n(p.recorded),
        "target": n(p.target),
        "remaining": n(p.remaining),
        "days": n(p.days_left_to_target),
        "deadline": date_format(p.campaign.target_date, "SHORT_DATE_FORMAT"),
        "needed": n(p.required_daily_rate),
        # "3 more than the 2 working today, to finish by 07/02/2024 (target date), 5 in all"
        "sets": "; ".join(f"{s.headline}, {s.detail}" for s in sets) or "—",
        "tomorrow": date_format(p.as_of + datetime.timedelta(days=1), "SHORT_DATE_FORMAT"),
        "places": places,
    }


def tomorrows_visits(progress) -> list[Visit]:
    day = progress.as_of + datetime.timedelta(days=1)
    visits = Visit.objects.filter(campaign=progress.campaign, date=day)
    return list(visits.select_related("kecamatan", "desa").order_by("kecamatan__name"))
