"""The messages page says when waiting messages have no worker to send them."""

from muster.core import heartbeat
from muster.notifications import actions

NOTE_ZH = "未见后台任务进程"


def test_waiting_messages_say_when_no_worker_runs(world, login):
    actions.notify(person=world.alice, subject="请到南门值守")  # not committed in a test: it stays pending
    client = login(world.member)
    assert NOTE_ZH in client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No background worker has been seen: solves and messages wait until one runs" in en
    heartbeat.beat(heartbeat.WORKER)
    assert NOTE_ZH not in client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_no_note_when_nothing_waits(world, login):
    assert NOTE_ZH not in login(world.member).get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
