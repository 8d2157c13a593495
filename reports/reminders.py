"""The daily e-mails of `manage.py send_reminders`: each operator their late visits, each
koordinator a digest of every running campaign. Sent through Django's mail settings.

No NIK goes into a message: places are masked as in the WhatsApp texts.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.models import Campaign, Visit
from reports import whatsapp
from reports.progress import campaigns_progress, unreported_before

KOORDINATOR_GROUP = "Koordinator"  # made by campaigns' migration 0003_roles


def late_visits(today: datetime.date):
    """Visits of running campaigns dated before today with no report, with their operators."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return (
        # Campaigns past their last day take no report: nobody is reminded of one.
        unreported_before(Visit.objects.filter(campaign__in=Campaign.objects.open_on(today)), today)
        .with_place()
        .prefetch_related(Prefetch("operators", queryset=users, to_attr="reachable_operators"))
        .order_by("date", "kecamatan__name", "device__code")
    )


def reminder_messages(*, today: datetime.date, site_url: str) -> list[EmailMessage]:
    """One e-mail per operator with late visits, one per koordinator with the digest."""
    late = list(late_visits(today))
    by_operator = defaultdict(list)
    for visit in late:
        for user in visit.reachable_operators:
            by_operator[user].append(visit)
    messages = [
        _operator_message(user, visits, today, site_url)
        for user, visits in sorted(by_operator.items(), key=lambda item: item[0].pk)
    ]
    koordinators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=KOORDINATOR_GROUP)
        .exclude(email="")
        .order_by("pk")
    )
    if koordinators:
        digest = _digest(today, late, site_url)
        messages += [
            EmailMessage(
                subject=_("e-KTP recording: the day's summary, %(date)s")
                % {"date": date_format(today, "SHORT_DATE_FORMAT")},
                body=digest,
                to=[user.email],
            )
            for user in koordinators
        ]
    return messages


def send_reminders(*, today=None, site_url=None) -> int:
    """Send the day's e-mails in one connection; return how many were sent."""
    today = today or timezone.localdate()
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    messages = reminder_messages(today=today, site_url=site_url)
    return get_connection().send_messages(messages) or 0


def _form_url(site_url, visit):
    return site_url + reverse("visits:report", args=[visit.pk])


def _visit_line(visit, today, site_url):
    days = (today - visit.date).days
    late = ngettext("%(days)s day late", "%(days)s days late", days) % {"days": days}
    day = date_format(visit.date, "SHORT_DATE_FORMAT")
    place = whatsapp.masked_place(visit)
    return f"- {day} · {visit.device.code} · {place} ({late}): {_form_url(site_url, visit)}"


def _operator_message(user, visits, today, site_url):
    name = user.get_full_name() or user.get_username()
    lines = [
        _("Hello %(name)s,") % {"name": name},
        "",
        ngettext(
            "The report of this visit has not been sent yet. Please send it from its form:",
            "The reports of these %(count)s visits have not been sent yet. Please send each "
            "from its form:",
            len(visits),
        )
        % {"count": len(visits)},
        "",
        *[_visit_line(visit, today, site_url) for visit in visits],
    ]
    return EmailMessage(
        subject=ngettext(
            "e-KTP recording: %(count)s report not sent",
            "e-KTP recording: %(count)s reports not sent",
            len(visits),
        )
        % {"count": len(visits)},
        body="\n".join(lines),
        to=[user.email],
    )


def _digest(today, late, site_url):
    """Each running campaign's summary (the WhatsApp text) and its late reports."""
    late_by_campaign = defaultdict(list)
    for visit in late:
        late_by_campaign[visit.campaign_id].append(visit)
    parts = []
    campaigns = Campaign.objects.open_on(today).filter(start_date__lte=today)
    # Every campaign's numbers in the same grouped queries (reports.progress).
    for progress in campaigns_progress(
        campaigns=campaigns.select_related("kabupaten").order_by("name"), as_of=today
    ):
        campaign = progress.campaign
        tomorrow = whatsapp.tomorrows_visits(progress)
        parts.append(whatsapp.daily_summary(progress, tomorrow=tomorrow))
        dashboard = site_url + reverse("campaigns:dashboard", args=[campaign.slug])
        parts.append(_("Dashboard: %(url)s") % {"url": dashboard})
        campaign_late = late_by_campaign.get(campaign.pk, [])
        if campaign_late:
            parts.append(
                ngettext("%(count)s report late:", "%(count)s reports late:", len(campaign_late))
                % {"count": len(campaign_late)}
            )
            parts += [_visit_line(visit, today, site_url) for visit in campaign_late]
        parts.append("")
    return "\n".join(parts) if parts else _("No campaign is running today.")
