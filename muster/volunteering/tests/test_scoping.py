import pytest

from muster.core.errors import Forbidden, NotFound
from muster.volunteering import actions, selectors
from muster.volunteering.tests.helpers import project, registration, volunteer


def test_an_outsider_sees_no_volunteer_team_or_sign_up_of_another_community(world):
    team = actions.team_create(actor=world.coordinator, name="蒲安里志愿服务队", region=world.puanli)
    v = actions.volunteer_register(actor=world.coordinator, data=registration(world), team=team)
    p, s = project(world, team=team)
    actions.signup_create(actor=volunteer(world), session=s)
    assert v in selectors.volunteers_visible(world.coordinator)
    assert team in selectors.teams_visible(world.street_coordinator)
    for who in (world.outsider, world.bajiao_coordinator, world.member, world.nobody):
        assert not selectors.volunteers_visible(who).exists()
        assert not selectors.teams_visible(who).exists()
        assert not selectors.projects_managed(who).exists()
        with pytest.raises(NotFound):
            selectors.project_managed(who, p.pk)
    with pytest.raises(Forbidden):
        actions.session_add(actor=world.outsider, project=p, starts_at=s.starts_at, ends_at=s.ends_at, places=3)
    with pytest.raises(Forbidden):
        actions.project_create(actor=world.outsider, title="越界项目", category="gate", region=world.puanli)


def test_a_team_manager_sees_their_members_and_publishes_for_the_team_only(world):
    team = actions.team_create(actor=world.coordinator, name="八角物业志愿队", region=world.puanli,
                               join_mode="invitation", managers=[world.carol])
    # world.volunteer is Carol's account: she manages the team without any region grant of a coordinator.
    member = volunteer(world)
    actions.team_member_add(actor=world.volunteer, team=team, person=member.person)
    assert list(selectors.volunteers_visible(world.volunteer)) == [member.person.volunteer]
    p = actions.project_create(actor=world.volunteer, title="核酸采样点秩序维护", category="sampling_order",
                               region=world.puanli, team=team)
    assert p in selectors.projects_managed(world.volunteer)
    with pytest.raises(Forbidden):
        actions.project_create(actor=world.volunteer, title="别的社区", category="gate", region=world.bajiao)
    sub = actions.team_create(actor=world.volunteer, name="八角物业志愿队一分队", region=world.puanli, parent=team)
    assert sub.parent == team


def test_the_public_pages_show_projects_but_no_volunteer(client, world):
    p, s = project(world, title="敲门行动")
    user = volunteer(world, name="隐私者")
    actions.signup_create(actor=user, session=s)
    for url in ("/volunteering/", f"/volunteering/p/{p.pk}/", "/volunteer/"):
        r = client.get(url, follow=True)
        assert r.status_code == 200
        body = r.content.decode()
        assert "隐私者" not in body and user.person.phone not in body
    assert "敲门行动" in client.get("/volunteering/").content.decode()
    assert client.get(f"/volunteering/manage/p/{p.pk}/").status_code == 302  # sign in first


def test_the_project_list_filters_by_text_category_date_and_district(client, world):
    p, s = project(world, title="入户敲门登记", category="door_knocking")
    q, _ = project(world, title="八角中里采样点排队引导", category="sampling_order", in_days=5, region=world.bajiao,
                   actor=world.bajiao_coordinator)
    def titles(**f):
        return {x.title for x in selectors.projects_public(**f)}
    assert titles() == {p.title, q.title}
    assert titles(text="敲门") == {p.title}
    assert titles(category="sampling_order") == {q.title}
    assert titles(district=world.shijingshan) == {q.title}
    from django.utils import timezone
    assert titles(day=timezone.localtime(s.starts_at).date()) == {p.title}
    r = client.get("/volunteering/", {"district": world.fengtai.code})
    assert p.title in r.content.decode() and q.title not in r.content.decode()
    row = selectors.projects_public(text="敲门").get()
    assert row.open_places == 2
