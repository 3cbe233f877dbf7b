"""Every write of the volunteering app, one module per part: registration, teams, projects and sign-ups
(`core`); attendance, back-filled hours, no-shows and the hours ledger (`attendance`); corrections,
training and awards (`records`). Callers use `actions.<name>`."""

from muster.volunteering.actions.attendance import *  # noqa: F403
from muster.volunteering.actions.closing import *  # noqa: F403
from muster.volunteering.actions.core import *  # noqa: F403
from muster.volunteering.actions.insurance import *  # noqa: F403
from muster.volunteering.actions.proposals import *  # noqa: F403
from muster.volunteering.actions.publish import *  # noqa: F403
from muster.volunteering.actions.records import *  # noqa: F403
from muster.volunteering.actions.reminders import *  # noqa: F403
from muster.volunteering.actions.teams import *  # noqa: F403
