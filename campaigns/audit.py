"""The audit log (UU 27/2022): who logged in, who failed to, who changed whose role or area.

`audit_record` writes one AuditEntry; the apps above call it where personal data leaves the
app (exports, printed lists, whole-NIK searches, imports, purges). The receivers below catch
what Django signals: logins, failed logins, django-axes' lock-outs, a user's groups and
staff/superuser/active status, and an operator's kecamatan. Connected in CampaignsConfig.ready.
"""

import datetime
import ipaddress
import re

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords

from campaigns.models import AuditEntry, Campaign, OperatorScope
from regions.models import Kecamatan

User = get_user_model()
Action = AuditEntry.Action

# A safeguard: callers mask NIKs themselves (residents.nik), but a run of 16 digits or more,
# however grouped, never reaches the log whole (the same pattern as residents.nik.NIK_IN_TEXT).
_NIK_LIKE = re.compile(r"(?<!\d)\d(?:[\s.,/_\-]{0,3}\d){15,}(?!\d)")
_DESCRIPTION_LENGTH = AuditEntry._meta.get_field("description").max_length
_USERNAME_LENGTH = AuditEntry._meta.get_field("username").max_length


def audit_record(
    *,
    action: str,
    description: str = "",
    user=None,
    username: str | None = None,
    campaign: Campaign | None = None,
    request=None,
) -> AuditEntry:
    """Write one entry of the audit log.

    Without `request`, the request being served (if any: simple_history's middleware keeps
    it) gives the client's address, and its user when `user` is not given. A management
    command or a background job has neither: the entry is written without an address.
    """
    if request is None:
        request = getattr(HistoricalRecords.context, "request", None)
    if user is None and request is not None:
        current = getattr(request, "user", None)
        if current is not None and current.is_authenticated:
            user = current
    if username is None:
        username = user.get_username() if user is not None else ""
    return AuditEntry.objects.create(
        action=action,
        description=_NIK_LIKE.sub("x" * 16, str(description))[:_DESCRIPTION_LENGTH],
        user=user,
        username=_NIK_LIKE.sub("x" * 16, str(username))[:_USERNAME_LENGTH],
        campaign=campaign,
        address=_address(request),
    )


def _address(request):
    if request is None:
        return None
    # As django-axes reads it: behind a proxy, AXES_IPWARE_PROXY_COUNT picks the client.
    address = get_client_ip_address(request) or request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # none, or not an address: PostgreSQL's inet would refuse the row
        return None


def audit_retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Entries before this are past AUDIT_RETENTION_DAYS and may be removed."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)


def audit_purge(*, before: datetime.datetime, dry_run: bool = False) -> int:
    """Remove the audit entries dated before `before`; how many (would) go. The removal
    itself is logged, with the cut-off and the count."""
    old = AuditEntry.objects.filter(at__lt=before)
    count = old.count()
    if not dry_run:
        old.delete()
        audit_record(
            action=Action.AUDIT_PURGE,
            description=f"< {before.isoformat(timespec='seconds')}: {count}",
        )
    return count


# --- Logins --------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The name that was tried (Django has already hidden the password in `credentials`).
    tried = str(credentials.get(User.USERNAME_FIELD, credentials.get("username", "")))
    audit_record(action=Action.LOGIN_FAILED, username=tried, request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action=Action.LOCKED_OUT, username=username or "", request=request)


# --- Roles: a user's groups, and staff, superuser and active status --------------------------


def _role_record(target_user, changes):
    if changes:
        audit_record(
            action=Action.ROLE_CHANGED,
            description=f"{target_user.get_username()}: {', '.join(changes)}",
        )


def _m2m_changes(instance, action, pk_set, related):
    """("+" or "-", the pks added or removed) for an m2m_changed signal, or None.

    What a clear removes is gone by post_clear, which gives no pk_set: pre_clear keeps it.
    """
    if action == "pre_clear":
        instance._audit_cleared = set(related.values_list("pk", flat=True))
        return None
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", set())
    elif action not in ("post_add", "post_remove"):
        return None
    return ("+" if action == "post_add" else "-", pk_set) if pk_set else None


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """user.groups.add(...) and group.user_set.add(...) alike, and their remove and clear."""
    related = instance.user_set if reverse else instance.groups
    changes = _m2m_changes(instance, action, pk_set, related)
    if changes is None:
        return
    sign, pks = changes
    if reverse:  # a group's users changed
        for user in User.objects.filter(pk__in=pks).order_by("pk"):
            _role_record(user, [f"{sign}{instance.name}"])
    else:
        names = Group.objects.filter(pk__in=pks).order_by("name").values_list("name", flat=True)
        _role_record(instance, [f"{sign}{name}" for name in names])


ROLE_FIELDS = ["is_superuser", "is_staff", "is_active"]


@receiver(pre_save, sender=User, dispatch_uid="audit_user_status_before")
def _user_status_before(sender, instance, update_fields=None, raw=False, **kwargs):
    """Keep what a save changes of the fields that give power (read back on post_save)."""
    instance._audit_role_changes = []
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ROLE_FIELDS):
        return  # e.g. the last_login of every login
    old = User.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first()
    if old is None:
        return
    instance._audit_role_changes = [
        f"{field} {'+' if getattr(instance, field) else '-'}"
        for field in ROLE_FIELDS
        if old[field] != getattr(instance, field)
    ]


@receiver(post_save, sender=User, dispatch_uid="audit_user_status")
def _user_status(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        granted = [f"{field} +" for field in ROLE_FIELDS[:2] if getattr(instance, field)]
        _role_record(instance, granted)
    else:
        _role_record(instance, getattr(instance, "_audit_role_changes", []))
    instance._audit_role_changes = []


# --- An operator's area: the kecamatan they are limited to -----------------------------------


def _area_record(scope, text):
    audit_record(action=Action.AREA_CHANGED, description=f"{scope.user.get_username()}: {text}")


@receiver(pre_delete, sender=OperatorScope, dispatch_uid="audit_area_removed")
def _area_removed(sender, instance, **kwargs):
    # Without an area the operator sees every kecamatan again: the widest change of all.
    names = ", ".join(instance.kecamatan.order_by("name").values_list("name", flat=True))
    _area_record(
        instance,
        gettext("area removed (it was: %(kecamatan)s); every kecamatan is visible")
        % {"kecamatan": names or "-"},
    )


@receiver(m2m_changed, sender=OperatorScope.kecamatan.through, dispatch_uid="audit_area")
def _area_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # Always from the scope's side: the kecamatan's side has no accessor (related_name="+").
    changes = None if reverse else _m2m_changes(instance, action, pk_set, instance.kecamatan)
    if changes is None:
        return
    sign, pks = changes
    names = Kecamatan.objects.filter(pk__in=pks).order_by("name")
    _area_record(instance, ", ".join(f"{sign}{k.name} ({k.code})" for k in names))
