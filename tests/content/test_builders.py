"""OLX and Common Cartridge builders: well-formed XML, every reference resolves inside the package,
every activity present, text escaped."""

from __future__ import annotations

import json
import posixpath
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html
from marshmallow import ValidationError

from course_content import Catalog, load
from course_content.__main__ import main
from course_content.build_cc import BLTI_NS, CC_NS, LTICM_NS, build_cc_files, lti_link_xml
from course_content.build_olx import build_olx_files
from course_content.model import ActivityRef
from course_content.packaging import markdown_fragments
from course_content.schemas import Text

NS = {"cc": CC_NS, "blti": BLTI_NS, "lticm": LTICM_NS}
TRICKY = 'Fish & "chips" <3 it\'s'


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


# ------------------------------------------------------------------------------------------ OLX
def _walk_olx(files: dict[str, bytes]) -> dict[str, list[etree._Element]]:
    """Follow course.xml down to components; fail if any url_name points at a missing file."""
    found: dict[str, list[etree._Element]] = {}
    course = _xml(files["course/course.xml"])
    run = course.get("url_name")
    assert course.get("org") and course.get("course")

    def follow(tag: str, url_name: str) -> etree._Element:
        path = f"course/{tag}/{url_name}.xml"
        assert path in files, f"{tag} {url_name!r} referenced but {path} is missing"
        el = _xml(files[path])
        assert el.tag == tag
        return el

    root = follow("course", run)
    for chapter_ref in root.findall("chapter"):
        chapter = follow("chapter", chapter_ref.get("url_name"))
        assert chapter.get("display_name")
        for seq_ref in chapter.findall("sequential"):
            seq = follow("sequential", seq_ref.get("url_name"))
            for vert_ref in seq.findall("vertical"):
                vertical = follow("vertical", vert_ref.get("url_name"))
                for comp in vertical:
                    if comp.tag == "html":
                        pointer = follow("html", comp.get("url_name"))
                        html_path = f"course/html/{pointer.get('filename')}.html"
                        assert html_path in files
                        assert pointer.get("display_name")
                    found.setdefault(comp.tag, []).append(comp)
    return found


def test_olx_course_contains_every_activity_and_resolves(tree) -> None:
    catalog = load(tree.root)
    files = build_olx_files(catalog)
    assert all(name.startswith("course/") for name in files)
    for name, data in files.items():
        if name.endswith(".xml"):
            _xml(data)  # well-formed
    found = _walk_olx(files)
    assert sorted(e.get("module_id") for e in found["natalli_module"]) == sorted(
        m.id for m in catalog.modules()
    )
    assert sorted(e.get("scenario_id") for e in found["natalli_scenario"]) == sorted(
        s.id for s in catalog.scenarios()
    )
    assert len(found["natalli_journal"]) == 1 and len(found["natalli_action_plan"]) == 1
    # TtT units, the workshop agenda and the four country pages
    assert len(found["html"]) == len(catalog.ttt_units()) + 1 + len(catalog.country_pages())
    # Every XBlock has a stable url_name so a re-import updates instead of duplicating.
    url_names = [e.get("url_name") for tag in found for e in found[tag]]
    assert None not in url_names and len(set(url_names)) == len(url_names)

    policy = json.loads(files["course/policies/course/policy.json"])
    assert policy["course/course"]["advanced_modules"] == [
        "natalli_module",
        "natalli_scenario",
        "natalli_journal",
        "natalli_action_plan",
    ]
    grading = json.loads(files["course/policies/course/grading_policy.json"])
    assert abs(sum(g["weight"] for g in grading["GRADER"]) - 1.0) < 1e-9
    graded_formats = {
        _xml(data).get("format") for name, data in files.items() if name.startswith("course/sequential/")
    } - {None}
    assert graded_formats <= {g["type"] for g in grading["GRADER"]}


def test_olx_ttt_html_is_rendered_from_markdown_and_escaped(tree) -> None:
    tree.edit(
        "ttt/facilitation-style/en.yaml",
        lambda d: d["steps"]["first-step"].update(
            title=TRICKY, body="Some **bold** advice.\n\n- one\n- two\n\nA <3 and 2 < 5 & more."
        ),
    )
    files = build_olx_files(load(tree.root))
    page = files["course/html/ttt-facilitation-style.html"].decode()
    assert "<strong>bold</strong>" in page and "<li>one</li>" in page
    assert "&lt;3" in page and "&amp; more" in page and "<3" not in page
    assert 'Fish &amp; "chips" &lt;3 it\'s' in page
    vertical = _xml(files["course/vertical/vert-module-safe-start.xml"])
    assert vertical[0].tag == "natalli_module" and vertical[0].get("module_id") == "safe-start"


def test_olx_titles_with_special_characters_survive(tree) -> None:
    tree.edit("modules/safe-start/en.yaml", lambda d: d.update(title=TRICKY))
    files = build_olx_files(load(tree.root))
    chapter = _xml(files["course/chapter/chapter-safe-start.xml"])
    assert chapter.get("display_name") == f"Module 1: {TRICKY}"


def test_olx_cli_writes_an_importable_targz(tree, tmp_path: Path) -> None:
    out = tmp_path / "course.tar.gz"
    assert main(["build", "olx", str(out), "--root", str(tree.root), "--lang", "uk"]) == 0
    with tarfile.open(out, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert "course/course.xml" in members
        for m in members.values():
            assert not m.name.startswith("/") and ".." not in m.name.split("/")
        files = {n: tar.extractfile(m).read() for n, m in members.items() if m.isfile()}
    assert _xml(files["course/course/course.xml"]).get("language") == "uk"
    assert (
        _xml(files["course/chapter/chapter-safe-start.xml"]).get("display_name")
        == "Модуль 1: uk title safe-start"
    )
    again = tmp_path / "again.tar.gz"
    main(["build", "olx", str(again), "--root", str(tree.root), "--lang", "uk"])
    assert again.read_bytes() == out.read_bytes()  # reproducible


# ------------------------------------------------------------------------------------------ CC
def _check_cartridge(files: dict[str, bytes], catalog: Catalog, tool_url: str) -> None:
    manifest = _xml(files["imsmanifest.xml"])
    assert manifest.findtext("cc:metadata/cc:schemaversion", namespaces=NS) == "1.3.0"
    identifiers = [e.get("identifier") for e in manifest.iter() if e.get("identifier")]
    assert len(identifiers) == len(set(identifiers))
    resources = {r.get("identifier"): r for r in manifest.iterfind("cc:resources/cc:resource", NS)}
    items = manifest.findall(".//cc:organization//cc:item[@identifierref]", NS)
    assert {i.get("identifierref") for i in items} == set(resources)  # every item resolves, none orphaned
    activities_linked = []
    for res in resources.values():
        assert res.get("type") == "imsbasiclti_xmlv1p0"
        (file_el,) = res.findall("cc:file", NS)
        href = file_el.get("href")
        assert not href.startswith("/") and ".." not in posixpath.normpath(href).split("/")
        assert href in files, f"{href} referenced by the manifest is not in the package"
        link = _xml(files[href])
        assert link.findtext("blti:launch_url", namespaces=NS) == tool_url.rstrip("/") + "/lti/launch"
        (activity,) = link.findall("blti:custom/lticm:property[@name='activity']", NS)
        activities_linked.append(activity.text)
        assert link.findtext("blti:title", namespaces=NS) == catalog.get(activity.text).title
    assert sorted(activities_linked) == sorted(r.id for r in catalog.activities())
    # One folder per module, holding the module and its scenarios.
    root_item = manifest.find(".//cc:organization/cc:item", NS)
    for module in catalog.modules():
        folder = root_item.find(f"cc:item[@identifier='F_{module.id}']", NS)
        linked = [i.get("identifierref") for i in folder.findall("cc:item", NS)]
        assert linked == [f"R_{module.id}"] + [f"R_{s}" for s in module.scenario_ids]


def test_cc_cartridge_links_every_activity(tree) -> None:
    catalog = load(tree.root)
    files = build_cc_files(catalog, "https://natalli.example.edu/")
    _check_cartridge(files, catalog, "https://natalli.example.edu")
    link = _xml(files["lti/safe-start.xml"])
    canvas = link.find("blti:extensions[@platform='canvas.instructure.com']", NS)
    assert canvas.findtext("lticm:property[@name='domain']", namespaces=NS) == "natalli.example.edu"


def test_cc_tool_url_defaults_to_environment(tree, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOOL_BASE_URL", "https://from-env.example.org")
    out = tmp_path / "natalli.imscc"
    assert main(["build", "cc", str(out), "--root", str(tree.root)]) == 0
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist()[0] == "imsmanifest.xml"
        files = {n: zf.read(n) for n in zf.namelist()}
    _check_cartridge(files, load(tree.root), "https://from-env.example.org")
    monkeypatch.delenv("TOOL_BASE_URL")
    files = build_cc_files(load(tree.root))
    assert (
        b"<blti:launch_url>http://127.0.0.1:5000/lti/launch</blti:launch_url>" in files["lti/safe-start.xml"]
    )


def test_cc_escapes_text(tree) -> None:
    tree.edit("scenarios/safe-start-case-1/en.yaml", lambda d: d.update(title=TRICKY, summary="a < b & c"))
    files = build_cc_files(load(tree.root), "http://127.0.0.1:5000")
    link = _xml(files["lti/safe-start-case-1.xml"])
    assert link.findtext("blti:title", namespaces=NS) == TRICKY
    assert link.findtext("blti:description", namespaces=NS) == "a < b & c"


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=80))
def test_any_text_the_schema_accepts_survives_the_builders(text: str) -> None:
    """Whatever the schema accepts, the cartridge carries unchanged and the HTML renderer can hold."""
    try:
        Text().deserialize(text)
    except ValidationError:
        return  # refused up front, with a message naming the field (see test_loader)
    link = _xml(lti_link_xml(ActivityRef("an-id", "scenario", text, text), "http://127.0.0.1:5000"))
    assert link.findtext("blti:title", namespaces=NS) == text
    assert link.findtext("blti:description", namespaces=NS) == text
    body = html.Element("div")
    body.extend(markdown_fragments(text))
    rendered = html.tostring(body, encoding="unicode")
    assert "<script" not in rendered.lower()


def test_olx_archive_bytes_do_not_depend_on_the_clock(tree, tmp_path: Path, monkeypatch) -> None:
    """Same content, same bytes — also when the two builds are seconds apart (the gzip header holds a
    time, which must be the fixed one)."""
    import time

    first = tmp_path / "first.tar.gz"
    main(["build", "olx", str(first), "--root", str(tree.root)])
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    second = tmp_path / "second.tar.gz"
    main(["build", "olx", str(second), "--root", str(tree.root)])
    assert second.read_bytes() == first.read_bytes()
