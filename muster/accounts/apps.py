from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "muster.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from muster.accounts import signals  # noqa: F401
