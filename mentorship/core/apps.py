from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mentorship.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from auditlog.signals import pre_log

        from mentorship.core.audit import keep_staff_actions

        pre_log.connect(keep_staff_actions, dispatch_uid="core.audit.staff_only")
