"""Words a Chinese reader meets on the pages: the right one for each meaning, no codes, no English.

English msgids such as "Post", "Name", "From", "Filter" and "Open" mean different things on different
pages, and one msgid gets one translation across all catalogues (the first app's wins, and Django
admin's "过滤器" beats every app's "筛选"). Each meaning has its own context; these tests render the
pages and look for the right word and the absence of the wrong one.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.utils import timezone, translation

from muster.checkpoints import actions as checkpoints
from muster.needs import actions as needs
from muster.needs.tests.helpers import post as post_need
from muster.needs.tests.helpers import role_of
from muster.rosters import actions as rosters
from muster.rosters.models import Roster

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, url, lang=ZH) -> str:
    r = client.get(url, **lang)
    assert r.status_code == 200, (url, r.status_code)
    return r.content.decode()


def cell_headers(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


@pytest.fixture
def gate_post(world):
    return rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")


def test_a_checkpoint_post_is_a_post_not_the_verb_to_post(world, login, gate_post):
    client = login(world.coordinator)
    assert "值守点" in cell_headers(page(client, "/rosters/"))
    assert "发布" not in cell_headers(page(client, "/rosters/"))
    assert "值守点" in cell_headers(page(client, "/checkpoints/register/"))
    # Posting a need is still 发布.
    assert re.search(r'<button type="submit">\s*发布\s*</button>', page(client, "/needs/new/"))
    assert "Post" in cell_headers(page(client, "/rosters/", EN))


def test_a_place_has_a_name_a_person_has_a_full_name(world, login):
    client = login(world.command)
    regions = page(client, f"/regions/{world.fengtai.code}/")
    assert "名称" in cell_headers(regions) and "姓名" not in cell_headers(regions)
    sites = page(client, "/sites/")
    assert "名称" in cell_headers(sites) and "姓名" not in sites
    # People keep 姓名.
    assert "姓名" in cell_headers(page(client, f"/people/?region={world.puanli.code}"))


def test_filter_buttons_say_shai_xuan_never_the_admin_word(world, login):
    client = login(world.command)
    for url in ("/sites/", "/accounts/audit/", "/needs/board/"):
        html = page(client, url)
        assert re.search(r"<button[^>]*>\s*筛选\s*</button>", html), url
        assert "过滤器" not in html, url


def test_a_date_range_starts_and_ends_it_has_no_source(world, login, gate_post):
    client = login(world.coordinator)
    hours = page(client, f"/rosters/{gate_post.pk}/hours/")
    assert "开始日期" in hours and "结束日期" in hours and "来源" not in hours
    register = page(client, "/checkpoints/register/")
    assert "开始日期" in register and "来源" not in register


def test_an_open_fever_alert_is_not_yet_handled(world, login, gate_post):
    data = checkpoints.PassageData(direction="in", temperature="38.4", health_code="green", code="11010519491231002X")
    checkpoints.passage_record(actor=world.coordinator, post=gate_post, data=data)
    html = page(login(world.coordinator), "/checkpoints/alerts/")
    assert "未处理" in html and "招募中" not in html


def test_the_audit_trail_speaks_in_words_and_local_time(world, login):
    need = post_need(world, headcount=2)
    start = timezone.now().replace(microsecond=0, second=0) + dt.timedelta(days=2)
    start = start.replace(hour=2, minute=0)  # 02:00 UTC = 10:00 in Beijing
    data = needs.NeedData(role=role_of("gate_duty"), region=world.puanli, start=start, end=start + dt.timedelta(hours=3),
                          headcount=3)
    needs.need_update(actor=world.coordinator, need=need, data=data)
    html = page(login(world.coordinator), "/accounts/audit/")
    rows = html.split("<tbody>", 1)[1]
    assert "发布需求" in rows and "修改需求" in rows
    assert "need.post" not in rows and "need.update" not in rows
    # A changed field is named in Chinese, with its old and new values; a time is Beijing's clock.
    assert "2 → 3" in rows and "headcount" not in rows
    assert f"{timezone.localtime(start):%Y-%m-%d} 10:00" in rows and "+00:00" not in rows
    assert "网页" in rows or "命令行" in rows  # where it came from, not "web"/"cli"
    # The filter offers the actions by name.
    assert '<option value="need.post"' in html and ">发布需求</option>" in html
    # English readers get English labels.
    assert "Need posted" in page(login(world.coordinator), "/accounts/audit/", EN)


def test_a_need_page_names_its_history_and_a_member_sees_their_report_status_in_words(world, login):
    need = post_need(world, headcount=2)
    needs.report_create(actor=world.member, need=need)
    assert "发布需求" in page(login(world.coordinator), f"/needs/{need.pk}/")
    html = page(login(world.member), "/needs/open/")
    assert "已报到" in html
    assert not re.search(r"·\s*(reported|accepted)\b", html)


@pytest.mark.parametrize("code, zh", [("OPTIMAL", "最优"), ("FEASIBLE", "可行（未证明最优）"),
                                      ("INFEASIBLE", "无法排出满足规则的班表"), ("UNKNOWN", "限时内未得出结果")])
def test_the_solver_verdict_is_said_in_words(code, zh):
    with translation.override("zh-hans"):
        assert Roster(engine_status=code).engine_status_label == zh
    with translation.override("en"):
        assert Roster(engine_status=code).engine_status_label != code


def test_the_post_page_shows_no_solver_codes(world, login, gate_post, django_capture_on_commit_callbacks):
    from muster.rosters.tests.conftest import make_team, tent_bands

    rosters.cover_set(actor=world.coordinator, post=gate_post, bands=tent_bands(required=1, patrol=False))
    make_team(world, gate_post, n=8)
    rosters.post_update_rules(actor=world.coordinator, post=gate_post, solve_seconds=3)
    with django_capture_on_commit_callbacks(execute=True):
        r = rosters.roster_request(actor=world.coordinator, post=gate_post, start=rosters.monday_of(timezone.localdate()))
    r.refresh_from_db()
    assert r.engine_status in ("OPTIMAL", "FEASIBLE"), (r.status, r.problems)
    client = login(world.coordinator)
    html = page(client, f"/rosters/{gate_post.pk}/") + page(client, f"/rosters/roster/{r.pk}/")
    assert r.engine_status not in html and r.engine_status_label in html
    # The wishes it could not meet, in Chinese: no engine English ("shares range from", "asked to").
    for row in r.penalties:
        for line in row["examples"]:
            assert not re.search(r"shares range|asked to|short of|more than| apart on ", line), line


def test_the_planner_speaks_plainly_and_shows_no_command_lines(world, login):
    from muster.testing.tests.factories import campaign

    c, _point = campaign(world)
    query = "prevalence=0.01&max_pool=20&stages=2&people=20000&hours=10&service_seconds=30&max_mean_wait_minutes=5&points=4&turnaround_hours=24"
    html = page(login(world.coordinator), f"/testing/{c.pk}/planning/?{query}")
    assert "平均同时在忙的采样台数" in html and "分钟" in html
    assert "爱尔兰" not in html and "Erlang" not in html and "muster plan" not in html
    # The engine's refusal, too: a thousand people a second cannot be served by a few desks.
    crowd = query.replace("people=20000", "people=30000000").replace("hours=10", "hours=0.1")
    refused = page(login(world.coordinator), f"/testing/{c.pk}/planning/?{crowd}")
    assert "请增加采样点" in refused and "Erlangs" not in refused


# Every app with an audit trail names its actions (an app added later names its own in its audits.py).
LABELLED = sorted(p.parent.name for p in (Path(__file__).resolve().parents[1] / "muster").glob("*/audits.py"))


@pytest.mark.parametrize("app", LABELLED)
def test_every_audit_action_has_a_translated_label(app):
    module = import_module(f"muster.{app}.audits")
    missing = [a for a in module.Audit if a not in module.LABELS]
    assert not missing, missing
    with translation.override("zh-hans"):
        untranslated = [str(v) for v in module.LABELS.values() if re.search(r"[A-Za-z]{3,}", str(v).replace("API", ""))]
    assert not untranslated, untranslated


def test_words_other_catalogues_had_taken_over(world, login, gate_post):
    """A need's role is a job (岗位), signing out is 退出登录 (注销 reads as closing the account)."""
    client = login(world.coordinator)
    board = page(client, "/needs/board/")
    assert re.search(r"<label>\s*岗位", board)
    assert "退出登录" in board and "注销" not in board
    assert "Log out" in page(client, "/needs/board/", EN)
    cover = page(client, f"/rosters/{gate_post.pk}/cover/")
    assert "人数" in cover


def test_no_msgid_is_translated_two_ways_across_the_apps():
    """Django merges every app's catalogue and the first app wins, so a msgid two apps translate
    differently shows the wrong Chinese on one of them: use the same words, or a context (pgettext)."""
    import gettext
    from collections import defaultdict

    seen: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    catalogues = sorted((Path(__file__).resolve().parents[1] / "muster").glob("*/locale/zh_Hans/LC_MESSAGES/django.mo"))
    assert len(catalogues) > 5, catalogues
    for mo in catalogues:
        with mo.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)._catalog  # keys of context strings hold "context\x04msgid"
        for msgid, msgstr in catalogue.items():
            if msgid:
                key = msgid[0] if isinstance(msgid, tuple) else msgid
                seen[key][msgstr].append(mo.parents[3].name)
    clashes = [f"{msgid!r}: " + "; ".join(f"{s!r} in {', '.join(apps)}" for s, apps in found.items())
               for msgid, found in sorted(seen.items()) if len(found) > 1]
    assert not clashes, "\n".join(clashes)
