import datetime as dt

from ninja import Router, Schema

from muster.core.api import Paged, paged
from muster.notifications import selectors

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    channel: str
    subject: str
    body: str
    url: str
    event: str
    status: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None


def _out(n) -> dict:
    return {"id": n.id, "channel": n.channel, "subject": n.subject, "body": n.body, "url": n.url, "event": n.event,
            "status": n.status, "attempts": n.attempts, "created_at": n.created_at, "sent_at": n.sent_at}


@router.get("/mine", response=Paged[NotificationOut], summary="My messages, newest first")
def mine(request, limit: int = 50, offset: int = 0):
    return paged(selectors.notifications_mine(request.user), limit, offset, _out)


@router.get("/people/{int:person_id}", response=Paged[NotificationOut], summary="A person's messages (managers)")
def of_person(request, person_id: int, limit: int = 50, offset: int = 0):
    return paged(selectors.notifications_of_person(request.user, person_id), limit, offset, _out)
