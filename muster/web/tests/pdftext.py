"""The text of a PDF as a reader's viewer extracts it, for the tests of every app that prints one.

poppler's pdftotext is a test dependency (`make browser` installs poppler-utils): a test that
reads a PDF fails without it rather than skipping its checks.
"""

from __future__ import annotations

import shutil
import subprocess


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, by `pdftotext`; fails (never skips) when poppler-utils is not installed."""
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext not found: `make browser` installs Debian's poppler-utils"
    return subprocess.run([tool, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
