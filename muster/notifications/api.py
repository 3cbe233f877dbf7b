import datetime as dt

from ninja import Router, Schema
from pydantic import Field, model_validator

from muster.core.api import Paged, paged
from muster.core.links import absolute
from muster.notifications import actions, selectors

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


class InboxItemOut(Schema):
    key: str
    kind: str
    title: str
    detail: str
    url: str = Field(description="the page where it is decided, as an absolute address on SITE_URL")
    at: dt.datetime
    urgent: bool
    read: bool


class InboxOut(Schema):
    items: list[InboxItemOut]
    unread: int


class InboxReadIn(Schema):
    keys: list[str] = Field(default_factory=list, max_length=200, description="keys of items to mark read")
    all: bool = Field(False, description="mark every item now in the inbox read")

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, data, handler):
        # Every field has a default, so a JSON array would otherwise pass as "nothing to mark".
        if not isinstance(data, dict) and not isinstance(data, cls):
            raise ValueError("send a JSON object: {\"keys\": [...]} or {\"all\": true}")
        return handler(data)


class InboxReadOut(Schema):
    marked: int
    unread: int


@router.get("/inbox", response=InboxOut, summary="My inbox: what waits for my decision or action, urgent first, newest first")
def inbox(request, unread: bool = False):
    entries = selectors.inbox_of(request.user)
    items = [{"key": e.item.key, "kind": e.item.kind, "title": e.item.title, "detail": e.item.detail,
              "url": absolute(e.item.url), "at": e.item.at, "urgent": e.item.urgent, "read": e.read}
             for e in entries if not (unread and e.read)]
    return {"items": items, "unread": sum(1 for e in entries if not e.read)}


@router.post("/inbox/read", response=InboxReadOut, summary="Mark items of my inbox read (by key, or all)")
def inbox_read(request, body: InboxReadIn):
    if body.all:
        marked = actions.inbox_mark_all_read(actor=request.user)
    else:
        marked = actions.inbox_mark_read(actor=request.user, keys=[k[:120] for k in body.keys])
    return {"marked": marked, "unread": sum(1 for e in selectors.inbox_of(request.user) if not e.read)}
