"""The staff audit trail: django-auditlog's entries (who, when, what, the values before and
after), kept for staff actions only.

- `AuditActorMiddleware` makes whoever is signed in the actor of the entries a request writes.
  auditlog's own middleware reads `request.user` when the request arrives, before DRF has read
  the bearer token; this one reads it when an entry is written, so API calls by staff are
  attributed as well as the admin's. The context is a context variable only: one `pre_save`
  receiver of `LogEntry`, connected once (`apply_audit_context`), puts it on each entry, where
  auditlog's `set_extra_data` connects and disconnects a receiver around every request (a
  twentieth of the CPU of a cached match page, for the few requests that write an entry).
- `keep_staff_actions` (connected to auditlog's `pre_log` in `CoreConfig.ready`) drops every
  entry whose actor is not staff: a person editing their own profile, a worker finishing a run
  (`drop_others_m2m_entries` does it for many-to-many changes, which bypass `pre_log`).
- `audit_context(actor=..., **details)` attributes what a service writes to `actor` outside a
  request (an admin action, a management command, a test) and adds `details` (a reason, say) to
  each entry, as `additional_data`.
- `audit_forget` and `audit_forget_text` empty the entries about a person who left.

Which models are tracked, and which fields: `AUDITLOG_INCLUDE_TRACKING_MODELS` in settings.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from auditlog.cid import set_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Value
from django.db.models.functions import Replace
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject


class AuditActorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_cid(request)
        context = {
            # Resolved when an entry is written: by then DRF has set `request.user`.
            "actor": SimpleLazyObject(lambda: getattr(request, "user", None)),
            "remote_addr": request.META.get("REMOTE_ADDR") or None,
        }
        auditlog_value.set(context)
        try:
            return self.get_response(request)
        finally:
            auditlog_value.set({})  # nothing of this request outlives it in the thread


def apply_audit_context(sender: Any, instance: LogEntry, **_: Any) -> None:
    """`pre_save` receiver of LogEntry: the current context's actor (if a user, and the entry
    has none) and its other values that are LogEntry fields (address, additional data), as
    auditlog's own receiver sets them."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    actor = context.get("actor")
    if isinstance(actor, get_user_model()) and instance.actor is None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None)
    for key, value in context.items():
        if key not in ("actor", "signal_duid") and hasattr(LogEntry, key):
            setattr(instance, key, value() if callable(value) else value)


def _actor_is_staff() -> bool:
    try:
        context = auditlog_value.get()
    except LookupError:
        return False
    actor = context.get("actor")
    return isinstance(actor, get_user_model()) and bool(actor.is_staff)


def keep_staff_actions(sender: Any, instance: Any, action: Any, **_: Any) -> bool | None:
    """`pre_log` receiver: False (no entry) unless the actor of the current context is staff."""
    return None if _actor_is_staff() else False


def drop_others_m2m_entries(sender: Any, instance: LogEntry, created: bool, **_: Any) -> None:
    """`post_save` receiver of LogEntry: auditlog writes many-to-many changes (a mentor's roles)
    without sending `pre_log`, so an entry of one not by staff is removed as soon as written."""
    changes = instance.changes if isinstance(instance.changes, dict) else {}
    is_m2m = any(
        isinstance(value, dict) and value.get("type") == "m2m" for value in changes.values()
    )
    if created and is_m2m and not _actor_is_staff():
        instance.delete()


@contextlib.contextmanager
def audit_context(*, actor: Any, **details: Any) -> Iterator[None]:
    """Entries written inside are by `actor`, with `details` as their additional data; the
    surrounding context (a request's) is restored after."""
    try:
        previous = auditlog_value.get()
    except LookupError:
        previous = {}
    data: dict[str, Any] = {"actor": actor, "remote_addr": previous.get("remote_addr")}
    if details:
        data["additional_data"] = details
    auditlog_value.set(data)
    try:
        yield
    finally:
        auditlog_value.set(previous)


def audit_forget(*, model: type[Model], object_pk: Any, label: str) -> int:
    """Empty the entries about one object of a person who left (their account, their profile):
    the entries stay (who changed object N, when), its description and values go."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk=str(object_pk)
    ).update(object_repr=label, changes=None, changes_text="", serialized_data=None)


def audit_forget_text(*, text: str, label: str) -> int:
    """Replace `text` (an address that left) in the description of every entry that shows it (a
    request's description names both people), and drop it as an actor's address."""
    if not text:
        return 0
    LogEntry.objects.filter(actor_email=text).update(actor_email=None)
    return LogEntry.objects.filter(object_repr__contains=text).update(
        object_repr=Replace("object_repr", Value(text), Value(label))
    )
