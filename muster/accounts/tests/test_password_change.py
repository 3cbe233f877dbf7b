"""Changing one's own password: the new one works, the device stays signed in, the trail records it."""

from django.urls import reverse

from muster.core.models import AuditEvent


def test_a_signed_in_user_changes_their_password_and_stays_signed_in(world, client):
    user = world.coordinator
    user.set_password("old-horse-battery")
    user.save(update_fields=["password"])
    client.force_login(user)
    r = client.post(reverse("password_change"), {"old_password": "old-horse-battery",
                                                 "new_password1": "staple-correct-9381", "new_password2": "staple-correct-9381"})
    assert r.status_code == 302 and r["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("staple-correct-9381")
    assert client.get(reverse("password_change_done")).status_code == 200  # still signed in on this device
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.actor == user and event.kind == AuditEvent.Kind.AUTH


def test_a_wrong_old_password_changes_nothing(world, client):
    user = world.coordinator
    user.set_password("old-horse-battery")
    user.save(update_fields=["password"])
    client.force_login(user)
    r = client.post(reverse("password_change"), {"old_password": "guess",
                                                 "new_password1": "staple-correct-9381", "new_password2": "staple-correct-9381"})
    assert r.status_code == 200
    user.refresh_from_db()
    assert user.check_password("old-horse-battery")
    assert not AuditEvent.objects.filter(action="user.password_change").exists()
