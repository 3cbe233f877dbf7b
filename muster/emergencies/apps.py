from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "muster.emergencies"
    label = "emergencies"
    verbose_name = _("Emergencies and data retention")

    def ready(self) -> None:
        from muster.core import purpose
        from muster.emergencies.selectors import active_emergency_for

        purpose.register(active_emergency_for)
