"""With DEBUG=0 a node serves its own static files (WhiteNoise): no proxy needed in front."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Runs in a fresh interpreter: settings read DEBUG once, at import.
SCRIPT = r"""
import io, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from django.templatetags.static import static
from muster.wsgi import application
from wsgiref.util import setup_testing_defaults

def get(path, **headers):
    env = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver", **headers}
    setup_testing_defaults(env)
    out = {}
    def start(status, hdrs, exc_info=None):
        out["status"], out["headers"] = status, dict(hdrs)
    body = b"".join(application(env, start))
    return {**out, "length": len(body), "head": body[:40].decode("latin-1")}

hashed = static("web/muster.css")
print(json.dumps({"hashed": hashed, "plain": get("/static/web/muster.css"), "versioned": get(hashed),
                  "gzip": get(hashed, HTTP_ACCEPT_ENCODING="gzip")}))
"""


def test_debug_off_node_serves_hashed_compressed_static_files(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50,
           "MUSTER_PII_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(), "MUSTER_VAR_DIR": str(tmp_path),
           "STATIC_ROOT": str(tmp_path / "static"), "DJANGO_SETTINGS_MODULE": "muster.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    css = (ROOT / "muster/web/static/web/muster.css").read_bytes()
    assert got["plain"]["status"] == "200 OK" and got["plain"]["length"] == len(css)
    # The manifest gives each file a content hash, so it can be cached for ever.
    assert got["hashed"] != "/static/web/muster.css" and got["versioned"]["status"] == "200 OK"
    assert "immutable" in got["versioned"]["headers"]["Cache-Control"]
    assert got["gzip"]["headers"].get("Content-Encoding") == "gzip"
