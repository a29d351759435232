from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentorship.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.signals import pre_log
        from django.db.models.signals import post_save, pre_save

        from mentorship.core.audit import (
            apply_audit_context,
            drop_others_m2m_entries,
            keep_staff_actions,
        )

        pre_log.connect(keep_staff_actions, dispatch_uid="core.audit.staff_only")
        pre_save.connect(apply_audit_context, sender=LogEntry, dispatch_uid="core.audit.context")
        post_save.connect(
            drop_others_m2m_entries, sender=LogEntry, dispatch_uid="core.audit.staff_only_m2m"
        )
