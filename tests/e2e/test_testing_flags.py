"""A community coordinator flags a close contact for single tubes from a phone, and sees a point's team."""

from tests.e2e.conftest import log_in


def test_flag_a_contact_on_a_phone(phone, world, shots):
    from muster.testing import actions
    from muster.testing.models import SingleTubeFlag
    from muster.testing.tests.factories import campaign, people

    ps = people(world, 3)
    log_in(phone, "coordinator")
    phone.goto(phone.base + "/testing/flags/")
    phone.fill("input[name=q]", ps[1].name)
    phone.press("input[name=q]", "Enter")
    row = phone.locator("#found tbody tr", has_text=ps[1].name)
    row.locator("select[name=reason]").select_option("contact")
    row.locator("input[name=note]").fill("新发地市场")
    phone.screenshot(path=str(shots / "testing_flags_search_phone.png"), full_page=True)
    row.locator("button[type=submit]").click()
    phone.locator("#flags", has_text="新发地市场").wait_for()
    assert SingleTubeFlag.objects.filter(person=ps[1], reason="contact", active=True).exists()
    assert "密切接触者" in phone.inner_text("#flags")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.screenshot(path=str(shots / "testing_flags_phone.png"), full_page=True)

    c, point = campaign(world, region=world.puanli)
    actions.team_add(actor=world.coordinator, point=point, person=ps[0], role="lead")
    phone.goto(phone.base + f"/testing/points/{point.pk}/team/?q={ps[2].name}")
    assert ps[0].name in phone.inner_text("#team")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(shots / "testing_team_phone.png"), full_page=True)
