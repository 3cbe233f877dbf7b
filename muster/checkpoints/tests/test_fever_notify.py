from django.utils import timezone

from muster.checkpoints import actions
from muster.checkpoints.models import FeverAlert, Passage
from muster.notifications.models import Notification
from muster.people.actions import PersonData, person_create

ID_NUMBER = "11010519491231002X"  # world.alice's


def record(world, post, temperature, **kw):
    data = actions.PassageData(direction="in", temperature=temperature, health_code="green", code=ID_NUMBER, **kw)
    return actions.passage_record(actor=world.coordinator, post=post, data=data)


def test_fever_notifies_the_community_lead_without_the_id_number(world, post, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        p = record(world, post, "38.4")
    n = Notification.objects.get()
    assert n.person == lead and n.event == "passage.fever" and n.channel == "sms" and n.address == "13900000011"
    text = f"{n.subject} {n.body} {n.url}"
    assert "南门帐篷" in text and "38.4" in text and n.url == "/checkpoints/alerts/"
    assert f"{timezone.localtime(p.at):%m-%d %H:%M}" in n.body
    assert ID_NUMBER not in text and ID_NUMBER[-4:] not in text and "张秀英" not in text
    assert n.subject.startswith("发热")  # written in the site's language, whatever the recorder's


def test_normal_temperature_notifies_nobody(world, post, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(world, post, "36.6")
        record(world, post, "37.2")
    assert not Notification.objects.exists() and Passage.objects.count() == 2


def test_street_coordinator_is_told_when_the_community_has_no_reachable_lead(world, post, django_capture_on_commit_callbacks):
    world.street_coordinator.person = person_create(actor=world.admin, data=PersonData(name="街道刘", region=world.neighbour))
    world.street_coordinator.save(update_fields=["person"])
    with django_capture_on_commit_callbacks(execute=True):
        record(world, post, "37.3")
    assert list(Notification.objects.values_list("person__name", "event")) == [("街道刘", "passage.fever")]


def test_passage_stands_when_notifying_fails(world, post, lead, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broken(**kw):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("muster.notifications.actions.notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        p = record(world, post, "39.0")
    assert Passage.objects.get() == p and p.fever
    assert FeverAlert.objects.get().passage == p
    assert not Notification.objects.exists()
    assert "could not notify" in caplog.text and "outbox down" in caplog.text


def test_passage_stands_when_finding_the_lead_fails(world, post, lead, monkeypatch, django_capture_on_commit_callbacks):
    def broken(region):
        raise RuntimeError("no database")

    monkeypatch.setattr(actions, "region_leads", broken)
    with django_capture_on_commit_callbacks(execute=True):
        p = record(world, post, "39.0")
    assert Passage.objects.get() == p and FeverAlert.objects.count() == 1


def test_rolled_back_passage_notifies_nobody(world, post, lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record(world, post, "38.0")
    assert len(callbacks) == 1 and not Notification.objects.exists()
