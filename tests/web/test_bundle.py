"""The page's script is a pure function of web/ and the pinned npm packages: rebuilding it
gives the very bytes the package ships (so the bundle is fresh, and anyone can reproduce
the script whose SHA-256 every exported page states)."""

from __future__ import annotations

import shutil
import subprocess

from solvent.web import BUNDLE

from .helpers import REPO


def test_the_bundle_is_rebuilt_byte_for_byte(tmp_path):
    node = shutil.which("node")
    assert node, "node is not installed (make test installs the JavaScript tools with npm)"
    assert BUNDLE.exists(), f"{BUNDLE} is missing: `make build` builds it"
    out = tmp_path / "solvent-web.js"
    res = subprocess.run([node, str(REPO / "web" / "build.mjs"), str(out)], cwd=REPO, capture_output=True, text=True,
                         timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    assert out.read_bytes() == BUNDLE.read_bytes(), f"{BUNDLE} is stale: `make build` rebuilds it from web/"
