"""The public result look-up: no oracle for ID numbers, a second factor, throttles, a lock, an audit.

Before: name + ID number alone opened the results, each guess was answered at once and without
limit, and with the old mask and the birth year about 34 candidates were left: 4 tries, 0.4 s.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from muster.core.models import AuditEvent
from muster.notifications.models import Notification
from muster.notifications.tests.helpers import sms_text
from muster.testing import actions
from muster.testing.models import Registration
from muster.testing.tests.factories import campaign

ALICE_ID = "11010519491231002X"
# Same region and birth date, other sequence numbers, with valid check digits: what a guesser tries.
WRONG_IDS = ["110105194912310011", "110105194912310038", "110105194912310054"]


def granted(client: Client) -> bool:
    return "testing_person" in client.session


def test_name_and_id_number_alone_open_nothing_and_confirm_nothing(world):
    answers = set()
    for number in [ALICE_ID, *WRONG_IDS]:
        c = Client(REMOTE_ADDR="198.51.100.1")
        r = c.post("/testing/result/", {"name": "张秀英", "id_number": number})
        answers.add((r.status_code, r.get("Location")))
        assert not granted(c)
        page = c.get(r["Location"]).content.decode()
        assert "13800000001" not in page and "138****0001" not in page
    # The right number and the wrong ones get the very same answer.
    assert answers == {(302, "/testing/result/?step=code")}


def test_the_one_time_code_by_sms_opens_the_results_and_is_audited_as_a_read(world):
    c = Client()
    c.post("/testing/result/", {"name": "张秀英", "id_number": ALICE_ID})
    otp = re.search(r"\b\d{6}\b", sms_text("13800000001")).group(0)
    assert otp not in str(dict(c.session))  # only a keyed hash of it is kept
    r = c.post("/testing/result/", {"otp": otp})
    assert r["Location"] == "/testing/result/mine/" and granted(c)
    event = AuditEvent.objects.get(action="result.lookup")
    assert event.kind == AuditEvent.Kind.READ and event.object_id == str(world.alice.pk) and event.changes == {"factor": "sms"}
    # Used once: the same code does not open a second session.
    again = Client()
    again.post("/testing/result/", {"name": "张秀英", "id_number": ALICE_ID})
    again.post("/testing/result/", {"otp": otp})
    assert not granted(again) or otp in sms_text("13800000001")  # unless the new code happens to be the same


def test_the_personal_code_is_a_second_factor_and_no_longer_enough_alone(world):
    c_, point = campaign(world)
    reg = actions.preregister(campaign=c_, name="张秀英", id_type="resident", id_number=ALICE_ID)
    alone = Client()
    r = alone.post("/testing/result/", {"code": reg.code})
    assert r.status_code == 422 and not granted(alone)
    wrong_name = Client()
    wrong_name.post("/testing/result/", {"name": "张秀", "id_number": ALICE_ID, "code": reg.code})
    assert not granted(wrong_name)
    c = Client()
    r = c.post("/testing/result/", {"name": "张秀英", "id_number": ALICE_ID, "code": reg.code.lower()})
    assert r["Location"] == "/testing/result/mine/" and granted(c)
    assert AuditEvent.objects.get(action="result.lookup").changes == {"factor": "code"}
    assert "no-store" in c.get("/testing/result/mine/")["Cache-Control"]


def test_an_expired_code_is_refused(world, monkeypatch):
    import time

    c = Client()
    c.post("/testing/result/", {"name": "张秀英", "id_number": ALICE_ID})
    otp = re.search(r"\b\d{6}\b", sms_text("13800000001")).group(0)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 11 * 60)
    c.post("/testing/result/", {"otp": otp})
    assert not granted(c)


def test_repeated_misses_lock_the_id_number_even_for_the_right_code(world, settings):
    c_, point = campaign(world)
    reg = actions.preregister(campaign=c_, name="张秀英", id_type="resident", id_number=ALICE_ID)
    tries = 0
    while True:
        tries += 1
        r = Client(REMOTE_ADDR=f"198.51.100.{tries}").post(
            "/testing/result/", {"name": "张秀英", "id_number": ALICE_ID, "code": f"MP{tries:012d}"})
        if r.status_code == 429:
            break
        assert tries < 20
    assert tries == settings.LOOKUP_LOCK_MISSES
    owner = Client(REMOTE_ADDR="203.0.113.50")
    r = owner.post("/testing/result/", {"name": "张秀英", "id_number": ALICE_ID, "code": reg.code})
    assert r.status_code == 429 and 'id="locked"' in r.content.decode() and not granted(owner)
    # A stranger's misses on one number do not lock another.
    other = Client(REMOTE_ADDR="203.0.113.51")
    r = other.post("/testing/result/", {"name": "李建国", "id_number": WRONG_IDS[0]})
    assert r.status_code == 302


def test_wrong_sms_codes_count_as_misses(world, settings):
    settings.LOOKUP_LOCK_MISSES = 3
    c = Client()
    c.post("/testing/result/", {"name": "张秀英", "id_number": ALICE_ID})
    statuses = [c.post("/testing/result/", {"otp": f"{n:06d}"}).status_code for n in range(3)]
    assert statuses[-1] == 429 and not granted(c)


@pytest.mark.parametrize("key", ["address", "name"])
def test_look_ups_are_throttled_per_address_and_per_name(world, settings, key):
    settings.LOOKUP_RATE_IP = "5/h"
    settings.LOOKUP_RATE_NAME = "3/h"
    limit = 5 if key == "address" else 3
    codes = []
    for i in range(limit + 1):
        ip = "198.51.100.9" if key == "address" else f"198.51.100.{i + 10}"
        name = f"王{i}" if key == "address" else "张秀英"
        codes.append(Client(REMOTE_ADDR=ip).post("/testing/result/", {"name": name, "id_number": WRONG_IDS[i % 3]}).status_code)
    assert codes[:limit] == [302] * limit and codes[-1] == 429


def test_preregistration_does_not_tell_whether_a_number_is_registered(world):
    c_, point = campaign(world)
    url = f"/testing/c/{c_.pk}/register/"
    known_wrong_name = Client().post(url, {"name": "王五", "id_type": "resident", "id_number": ALICE_ID})
    unknown = Client().post(url, {"name": "王五", "id_type": "resident", "id_number": WRONG_IDS[0]})
    assert known_wrong_name.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'value="[^"]+"|"X-CSRFToken": "[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known_wrong_name) == strip(unknown) and 'id="sent"' in strip(unknown)
    # The right name does not show the code either: it goes to the phone on record.
    right = Client().post(url, {"name": "张秀英", "id_type": "resident", "id_number": ALICE_ID})
    assert strip(right) == strip(unknown)
    code = Registration.objects.get(person=world.alice).code
    assert code not in right.content.decode() and code in sms_text("13800000001")


def test_anonymous_preregistration_is_throttled(world, settings):
    settings.PREREGISTER_RATE_IP = "2/h"
    c_, point = campaign(world)
    community = world.puanli
    statuses = []
    for i, number in enumerate(WRONG_IDS):
        r = Client(REMOTE_ADDR="198.51.100.77").post(f"/testing/c/{c_.pk}/register/", {
            "name": f"新居民{i}", "id_type": "resident", "id_number": number, "community": community.code,
            "phone": f"1390000000{i}"})
        statuses.append(r.status_code)
    assert statuses == [200, 200, 429]


def test_report_verification_is_throttled(world, settings):
    settings.VERIFY_RATE_IP = "3/h"
    statuses = [Client(REMOTE_ADDR="198.51.100.88").get("/testing/verify/forged/").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_newcomer_gets_the_code_by_sms_like_everyone_else(world):
    """Showing a newcomer's code on the page told that the number had not been on file."""
    c_, point = campaign(world)
    url = f"/testing/c/{c_.pk}/register/"
    strip = lambda r: re.sub(r'value="[^"]+"|"X-CSRFToken": "[^"]+"|selected', "", r.content.decode())  # noqa: E731
    newcomer = Client().post(url, {"name": "新居民", "id_type": "resident", "id_number": WRONG_IDS[1],
                                   "community": world.puanli.code, "phone": "13900000009"})
    known = Client().post(url, {"name": "张秀英", "id_type": "resident", "id_number": ALICE_ID,
                                "community": world.puanli.code, "phone": "13900000008"})
    assert newcomer.status_code == known.status_code == 200 and strip(newcomer) == strip(known)
    reg = Registration.objects.get(person__name="新居民")
    assert reg.code not in newcomer.content.decode() and reg.code in sms_text("13900000009")
    # The registered person's code went to the phone on record, not to the number typed in.
    assert Registration.objects.get(person=world.alice).code in sms_text("13800000001")
    assert not Notification.objects.filter(address="13900000008").exists()
    # The SMS links to the code's QR page; a made-up code finds nothing.
    # on the configured site address (SITE_URL), not on whatever Host the request came with
    link = re.search(re.escape(settings.SITE_URL) + r"(/testing/c/\d+/code/MP\w+/)", sms_text("13900000009")).group(1)
    assert reg.code in Client().get(link).content.decode()
    assert Client().get(f"/testing/c/{c_.pk}/code/MPAAAAAAAAAAAA/").status_code == 404


def test_naming_a_community_needs_a_phone_whoever_you_are(world):
    c_, point = campaign(world)
    url = f"/testing/c/{c_.pk}/register/"
    for number in (ALICE_ID, WRONG_IDS[2]):
        r = Client().post(url, {"name": "张秀英", "id_type": "resident", "id_number": number, "community": world.puanli.code})
        assert r.status_code == 200 and 'id="sent"' not in r.content.decode() and "id_phone" in r.content.decode()
    assert not Registration.objects.exists()
