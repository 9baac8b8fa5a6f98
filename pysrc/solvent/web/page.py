"""The customer's page as one HTML file: the shell (``page.html``), the attestation and
the pins as JSON data blocks, and the bundled script (``web/`` built by ``make build``
into ``assets/solvent-web.js``), all inline, so the page opens from ``file://`` or any
static host and never loads anything. Its Content-Security-Policy allows only that
script (by hash) and WebAssembly, and no network connection at all."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

from .. import __version__
from ..attestation.models import Attestation
from .pins import Pins, to_json
from ..errors import SolventError

HERE = Path(__file__).parent
BUNDLE = HERE / "assets" / "solvent-web.js"
SHELL = HERE / "page.html"


class BundleMissing(SolventError, FileNotFoundError):
    pass


def bundle_text() -> str:
    """The bundled script, or a clear error saying how to build it."""
    try:
        text = BUNDLE.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BundleMissing(f"{BUNDLE}: the page's script is not built; `make build` builds it "
                            "(needs Node.js and npm: `npm ci && node web/build.mjs`)") from None
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise ValueError(f"{BUNDLE}: contains '</script' or '<!--' and cannot be inlined")
    return text


def json_block(text: str) -> str:
    """JSON that can sit inside ``<script type="application/json">``: ``<``, ``>`` and
    ``&`` only occur inside JSON strings, where their \\u escapes mean the same."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(att: Attestation, pins: Pins) -> str:
    script = bundle_text()
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    values = {
        "TITLE": html.escape(f"{att.statement.institution}, epoch {att.statement.epoch}: check your account"),
        "SOLVENT_VERSION": html.escape(__version__),
        "BUNDLE_SHA256": digest.hex(),
        "SCRIPT_HASH": "sha256-" + base64.b64encode(digest).decode("ascii"),
        "ATTESTATION_JSON": json_block(json.dumps(att.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)),
        "PINS_JSON": json_block(to_json(pins)),
        "BUNDLE": script,
    }
    # one pass over the shell: text put in is never scanned for markers again
    return re.sub(r"@@([A-Z0-9_]+)@@", lambda m: values[m.group(1)], SHELL.read_text(encoding="utf-8"))
