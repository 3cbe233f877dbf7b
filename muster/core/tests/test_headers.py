"""Security headers and defaults: CSP without inline scripts, no-store on personal pages, HSTS
behind a proxy, DEBUG off unless asked for, and no phone numbers in clear in the SMS log."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_csp_allows_scripts_from_the_node_only(client, db):
    r = client.get("/login/")
    policy = r["Content-Security-Policy"]
    found = re.search(r"script-src ([^;]*)", policy)
    assert found, policy
    script = found.group(1)
    assert "'self'" in script and "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (ROOT / "muster").rglob("templates/**/*.html"):
        text = path.read_text()
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path}: inline event handler")
    assert not offenders, offenders


def test_pages_with_personal_data_are_not_stored(world, login):
    c = login(world.coordinator)
    r = c.get(f"/people/{world.alice.pk}/")
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    assert "no-store" in c.get("/people/").get("Cache-Control", "")


def _settings_in_a_fresh_process(**env) -> dict:
    code = ("import json, muster.settings as s; print(json.dumps({'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, "
            "'proxy': bool(s.SECURE_PROXY_SSL_HEADER)}))")
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "BEHIND_PROXY", "HSTS_SECONDS"}}
    clean.update({"SECRET_KEY": "x" * 50, "MUSTER_PII_KEY": "A" * 43 + "=", **env})
    out = subprocess.run([sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout)


def test_debug_is_off_unless_asked_for_and_hsts_is_on_behind_a_proxy():
    plain = _settings_in_a_fresh_process()
    assert plain == {"debug": False, "hsts": 0, "proxy": False}
    proxied = _settings_in_a_fresh_process(BEHIND_PROXY="1")
    assert proxied["debug"] is False and proxied["proxy"] and proxied["hsts"] >= 180 * 24 * 3600
    assert _settings_in_a_fresh_process(DEBUG="1")["debug"] is True


@pytest.mark.django_db
def test_hsts_header_on_a_request_that_came_over_https_through_the_proxy(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    r = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")


def test_console_sms_masks_the_phone_number(capsys):
    from muster.notifications.channels import ConsoleSmsBackend

    ConsoleSmsBackend().send_sms("13812345678", "验证码 123456", key="k1")
    out = capsys.readouterr().out
    assert "13812345678" not in out and "138****5678" in out
