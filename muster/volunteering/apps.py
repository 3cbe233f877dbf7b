from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "muster.volunteering"
    label = "volunteering"
    verbose_name = _("Volunteering")

    def ready(self) -> None:
        from muster.needs.signals import need_status_changed
        from muster.volunteering.actions.closing import close_when_need_ends

        need_status_changed.connect(close_when_need_ends, dispatch_uid="volunteering.close_published_project")
