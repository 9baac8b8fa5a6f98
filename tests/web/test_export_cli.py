"""`solvent export-web` on the command line: which keys the page trusts, what it refuses,
what it never overwrites, and a page that embeds its data safely and loads nothing."""

from __future__ import annotations

import json
import re

import pytest

from solvent import web
from solvent.web import page as page_module

from .helpers import run_cli


@pytest.fixture
def keys_file(attested, tmp_path):
    """A trusted-keys file as `solvent keys pin` writes it (solvent.trusted-keys/1)."""
    _, att, _ = attested
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"version": "solvent.trusted-keys/1", "publisher": "Test Auditor", "keys": [
        {"shape": att.statement.shape.model_dump(mode="json"), "circuit": c.name, "ir_hash": c.ir_hash,
         "vk_hash": c.vk_hash, "transcript_hash": "11" * 32, "ptau_hash": "22" * 32, "note": "two participants"}
        for c in att.statement.circuits]}))
    return path


def test_help_has_an_example():
    r = run_cli("export-web", "--help")
    assert r.exit_code == 0 and "Example:" in r.output


def test_the_page_must_be_told_which_keys_to_trust(attested, tmp_path, keys_file):
    _, _, out = attested
    r = run_cli("export-web", out, "--out", tmp_path / "site")
    assert r.exit_code == 2 and "--trusted-keys" in r.output and "--allow-insecure-keys" in r.output
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--trusted-keys", keys_file, "--allow-insecure-keys")
    assert r.exit_code == 2
    assert not (tmp_path / "site").exists()


def test_trusted_keys_and_json_summary(attested, tmp_path, keys_file):
    _, att, out = attested
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--trusted-keys", keys_file,
                "--signer", att.statement.signer, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["insecure_keys"] is False and summary["signer_pinned"] is True
    assert {k["name"] for k in summary["keys"]} == {c.name for c in att.statement.circuits}
    assert {k["detail"] for k in summary["keys"]} == {"two participants"}
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "keys.json published by Test Auditor (sha256" in html
    assert (tmp_path / "site" / "index.html").stat().st_size == summary["bytes"]


def test_keys_that_do_not_cover_the_attestation_are_refused(attested, tmp_path, keys_file):
    _, _, out = attested
    doc = json.loads(keys_file.read_text())
    doc["keys"][0]["vk_hash"] = "00" * 32
    keys_file.write_text(json.dumps(doc))
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--trusted-keys", keys_file)
    assert r.exit_code == 1 and "is not among the trusted keys" in r.output
    assert not (tmp_path / "site").exists()


def test_circuits_that_are_not_solvents_for_the_shape_are_refused(attested, tmp_path, institution):
    """The page cannot recompile circuits: the exporter does, and refuses a statement whose
    circuit IR hash is not that of solvent's circuit for the stated shape."""
    from solvent.attestation import hashing

    _, att, _ = attested
    st = att.statement
    circuits = [c.model_copy(update={"ir_hash": "ab" * 32}) if c.role == "batch" else c for c in st.circuits]
    forged_st = st.model_copy(update={"circuits": circuits})
    forged = hashing.sign(att.model_copy(update={"statement": forged_st,
                                                 "statement_hash": hashing.statement_hash(forged_st)}),
                          institution.signing_key)
    (tmp_path / "forged").mkdir()
    (tmp_path / "forged" / "attestation.json").write_text(forged.model_dump_json())
    r = run_cli("export-web", tmp_path / "forged", "--out", tmp_path / "site", "--allow-insecure-keys")
    assert r.exit_code == 1 and "circuits: unknown or missing circuits: ['batch']" in r.output, r.output
    assert not (tmp_path / "site").exists()


def test_another_signer_is_refused(attested, tmp_path):
    _, _, out = attested
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--allow-insecure-keys", "--signer", "0x" + "12" * 20)
    assert r.exit_code == 1 and "signer" in r.output
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--allow-insecure-keys", "--signer", "alice")
    assert r.exit_code == 2 and "not an Ethereum address" in r.output


@pytest.mark.parametrize("content, field", [("{", "keys.json"), ('{"keys": []}', "keys"),
                                            ('{"keys": [{"name": "x", "ir_hash": "zz", "vk_hash": "00"}]}', "ir_hash")])
def test_a_malformed_trusted_keys_file_names_file_and_field(attested, tmp_path, content, field):
    _, _, out = attested
    bad = tmp_path / "keys.json"
    bad.write_text(content)
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--trusted-keys", bad)
    assert r.exit_code == 2 and "keys.json" in r.output and field in r.output, r.output


def test_an_existing_page_is_replaced_only_with_force(attested, tmp_path):
    _, _, out = attested
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the old page")
    r = run_cli("export-web", out, "--out", site, "--allow-insecure-keys")
    assert r.exit_code == 2 and "--force" in r.output
    assert (site / "index.html").read_text() == "the old page"
    assert run_cli("export-web", out, "--out", site, "--allow-insecure-keys", "--force").exit_code == 0
    assert (site / "index.html").read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in site.iterdir()] == ["index.html"], "no temporary file is left behind"


def test_a_missing_bundle_is_a_clear_error(attested, tmp_path, monkeypatch):
    _, _, out = attested
    monkeypatch.setattr(page_module, "BUNDLE", tmp_path / "absent.js")
    r = run_cli("export-web", out, "--out", tmp_path / "site", "--allow-insecure-keys")
    assert r.exit_code == 2 and "make build" in r.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_the_page_is_self_contained_and_embeds_data_safely(attested, tmp_path):
    _, att, _ = attested
    hostile = att.model_copy(update={"statement": att.statement.model_copy(
        update={"institution": "Evil </script><script>alert(1)</script> & <!-- Co"})})
    page = web.export_site(hostile, tmp_path / "site", web.Pins(keys=web.attestation_keys(hostile), insecure=True))
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<!-- Co" not in html
    assert html.count("<script") == 3 and html.count("</script>") == 3  # two data blocks and the bundle
    assert not re.search(r"<(link|img|iframe|object|embed)\b|<script[^>]*\bsrc=", html), "nothing is loaded from elsewhere"
    assert not re.search(r"https?://", html.split("<script>", 1)[0]), "the shell names no remote resource"
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "connect-src 'none'" in csp and "default-src 'none'" in csp
    embedded = re.search(r'id="solvent-attestation">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded)["statement"]["institution"] == hostile.statement.institution
    assert "Evil &lt;/script&gt;" in html.split("<title>", 1)[1].split("</title>", 1)[0]
