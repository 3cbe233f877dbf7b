"""What the needs app tells other apps without importing them (Django signals).

`need_status_changed` is sent inside the transaction of `actions.need_set_status`, after the
change is written and audited: a receiver's writes commit or roll back with it. Arguments:
need, actor, verb ("pause", "resume", "cancel", "close"), reason.
"""

from django.dispatch import Signal

need_status_changed = Signal()
