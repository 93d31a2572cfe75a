"""Common Cartridge 1.1 (Moodle) and 1.3 (Canvas and others): what an LMS import depends on.

The 1.1 cartridge must be recognised by Moodle's format check, validate against the official CC 1.1
schemas (manifest and every link file), and name each activity in its launch URL, because Moodle drops
custom parameters on import. Nothing here counts activities: the expectations are derived from the
catalog, so content can grow without touching these tests.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from course_content import LANGUAGES, Catalog, load
from course_content.__main__ import main
from course_content.build_cc import (
    BLTI_NS,
    LTICM_NS,
    LTICP_NS,
    VERSIONS,
    build_cc_files,
    course_sections,
)
from course_content.labels import label
from course_content.model import ActivityRef
from tests.content.cc_schemas import (
    lti_link_schema,
    manifest_schema,
    moodle_detects_cc11,
    schema_errors,
)
from tests.content.conftest import ContentTree

TOOL = "https://natalli.example.edu"
CC11 = VERSIONS["1.1"].cc_ns
NS = {"cc": CC11, "blti": BLTI_NS, "lticm": LTICM_NS, "lticp": LTICP_NS}


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _links_by_activity(files: dict[str, bytes]) -> dict[str, etree._Element]:
    """Activity id (from the custom parameter) -> the link file it is in, via the manifest's resources."""
    manifest = _xml(files["imsmanifest.xml"])
    ns = {"cc": manifest.nsmap[None]}
    links = {}
    for res in manifest.iterfind("cc:resources/cc:resource", ns):
        link = _xml(files[res.find("cc:file", ns).get("href")])
        (activity,) = link.xpath("blti:custom/lticm:property[@name='activity']/text()", namespaces=NS)
        assert activity not in links, f"{activity} linked twice"
        links[activity] = link
    return links


def _sections(files: dict[str, bytes]) -> list[tuple[str, list[str]]]:
    """The organisation's top-level items as (title, activity ids in order), resolving item -> resource ->
    link file -> activity."""
    manifest = _xml(files["imsmanifest.xml"])
    ns = {"cc": manifest.nsmap[None]}
    href = {
        r.get("identifier"): r.find("cc:file", ns).get("href")
        for r in manifest.iterfind("cc:resources/cc:resource", ns)
    }
    (root_item,) = manifest.findall("cc:organizations/cc:organization/cc:item", ns)
    sections = []
    for folder in root_item.findall("cc:item", ns):
        ids = []
        for item in folder.findall("cc:item", ns):
            assert not item.findall("cc:item", ns), "links are never nested deeper than a section"
            link = _xml(files[href[item.get("identifierref")]])
            ids.append(link.xpath("string(blti:custom/lticm:property[@name='activity'])", namespaces=NS))
        sections.append((folder.findtext("cc:title", namespaces=ns), ids))
    return sections


# ------------------------------------------------------------------------------ schemas and detection
def test_cc11_manifest_and_every_link_file_validate_against_the_cc11_schemas(tree: ContentTree) -> None:
    files = build_cc_files(load(tree.root), TOOL, "en", version="1.1")
    assert schema_errors(manifest_schema(), files["imsmanifest.xml"]) == []
    link_files = [name for name in files if name != "imsmanifest.xml"]
    assert link_files and all(name.startswith("lti/") for name in link_files)
    for name in link_files:
        assert schema_errors(lti_link_schema(), files[name]) == [], name


def test_the_schema_check_has_teeth(tree: ContentTree) -> None:
    """The same checks refuse what Moodle would refuse: a 1.3 manifest, a link without its vendor, links
    out of the schema's element order."""
    cc13 = build_cc_files(load(tree.root), TOOL, "en", version="1.3")
    assert schema_errors(manifest_schema(), cc13["imsmanifest.xml"]) != []
    assert not moodle_detects_cc11(cc13["imsmanifest.xml"])

    files = build_cc_files(load(tree.root), TOOL, "en", version="1.1")
    link = _xml(files["lti/safe-start.xml"])
    link.remove(link.find("blti:vendor", NS))
    assert any("vendor" in e for e in schema_errors(lti_link_schema(), etree.tostring(link)))

    link = _xml(files["lti/safe-start.xml"])
    launch = link.find("blti:launch_url", NS)
    link.remove(launch)
    link.insert(0, launch)
    assert schema_errors(lti_link_schema(), etree.tostring(link)) != []

    manifest = _xml(files["imsmanifest.xml"])
    root_item = manifest.find("cc:organizations/cc:organization/cc:item", NS)
    etree.SubElement(root_item, f"{{{CC11}}}title").text = "the root item must not have a title"
    root_item.insert(0, root_item[-1])
    assert schema_errors(manifest_schema(), etree.tostring(manifest)) != []


def test_moodle_recognises_the_cc11_manifest(tree: ContentTree) -> None:
    files = build_cc_files(load(tree.root), TOOL, "en", version="1.1")
    manifest = files["imsmanifest.xml"]
    assert moodle_detects_cc11(manifest)
    root = _xml(manifest)
    assert root.nsmap[None] == CC11 and root.tag == f"{{{CC11}}}manifest"
    assert root.findtext("cc:metadata/cc:schemaversion", namespaces=NS) == "1.1.0"


# ------------------------------------------------------------------------------ links
@pytest.mark.parametrize("tool_url", [TOOL + "/", "http://127.0.0.1:5000"])
def test_every_cc11_link_names_its_activity_in_the_launch_url(tree: ContentTree, tool_url: str) -> None:
    catalog = load(tree.root)
    files = build_cc_files(catalog, tool_url, "nl", version="1.1")
    links = _links_by_activity(files)
    assert sorted(links) == sorted(r.id for r in catalog.activities())
    base = tool_url.rstrip("/")
    for activity, link in links.items():
        url = link.findtext("blti:launch_url", namespaces=NS)
        assert url == f"{base}/lti/launch?activity={activity}"
        parts = urlsplit(url)
        assert parse_qs(parts.query) == {"activity": [activity]}
        assert link.findtext("blti:title", namespaces=NS) == catalog.get(activity, "nl").title
        assert link.findtext("blti:description", namespaces=NS)
        assert link.findtext("blti:icon", namespaces=NS) == f"{base}/static/logo.svg"
        secure = link.findtext("blti:secure_launch_url", namespaces=NS)
        # A secure URL is only offered when there is one.
        assert secure == (url if parts.scheme == "https" else None)


def test_cc13_links_keep_the_bare_launch_url_and_the_custom_parameter(tree: ContentTree) -> None:
    catalog = load(tree.root)
    links = _links_by_activity(build_cc_files(catalog, TOOL, "en", version="1.3"))
    assert sorted(links) == sorted(r.id for r in catalog.activities())
    assert {link.findtext("blti:launch_url", namespaces=NS) for link in links.values()} == {
        f"{TOOL}/lti/launch"
    }


# ------------------------------------------------------------------------------ course structure
def test_cc11_is_the_programme_as_one_course_in_sections(tree: ContentTree) -> None:
    catalog = load(tree.root)
    sections = _sections(build_cc_files(catalog, TOOL, "en", version="1.1"))
    # Moodle makes the first top-level item section 0 ("General"): an introduction, no activities.
    (intro_title, intro_ids), *rest = sections
    assert intro_title == label("en", "course_description") and intro_ids == []

    modules = catalog.modules()
    for module, (title, ids) in zip(modules, rest, strict=False):
        assert title == label("en", "module_n", n=module.order, title=module.title)
        members = [
            r.id for r in catalog.activities() if getattr(catalog.get(r.id), "module", None) == module.id
        ]
        assert ids == [module.id, *members]
        assert set(module.scenario_ids) <= set(members)
    after_modules = rest[len(modules) :]
    kinds = [[catalog.kind_of(aid) for aid in ids] for _title, ids in after_modules]
    assert kinds[0] == ["journal", "action_plan"]
    assert set(kinds[1]) == {"ttt_unit", "workshop_agenda"}
    assert [title for title, _ids in after_modules[:2]] == [
        label("en", "reflection_and_planning"),
        label("en", "ttt"),
    ]
    linked = [aid for _title, ids in sections for aid in ids]
    assert sorted(linked) == sorted(r.id for r in catalog.activities())  # each exactly once


def test_cc13_keeps_its_layout_without_the_moodle_introduction(tree: ContentTree) -> None:
    catalog = load(tree.root)
    sections = _sections(build_cc_files(catalog, TOOL, "en", version="1.3"))
    assert [(s.title, list(s.activity_ids)) for s in course_sections(catalog, "en")] == sections


@dataclass(frozen=True)
class _Exercise:
    kind: str
    title: str
    module: str | None


class _CatalogWithExercises:
    """A catalog as the loader might return it once content defines exercises: the sections follow."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        first = catalog.modules()[0].id
        self.extra = {
            "ex-in-module": _Exercise("exercise", "Practise the first conversation", first),
            "ex-on-its-own": _Exercise("exercise", "A free-standing exercise", None),
        }

    def activities(self, lang: str = "en") -> list[ActivityRef]:
        extra = [ActivityRef(aid, e.kind, e.title, "summary") for aid, e in self.extra.items()]
        return self._catalog.activities(lang) + extra

    def get(self, activity_id: str, lang: str = "en"):  # noqa: ANN201 - either kind of object
        return self.extra.get(activity_id) or self._catalog.get(activity_id, lang)

    def modules(self, lang: str = "en"):  # noqa: ANN201
        return self._catalog.modules(lang)


def test_sections_place_new_kinds_of_activity_without_dropping_any(tree: ContentTree) -> None:
    catalog = _CatalogWithExercises(load(tree.root))
    sections = course_sections(catalog, "de")  # type: ignore[arg-type]
    first_module = catalog.modules()[0].id
    module_section = next(s for s in sections if s.activity_ids[0] == first_module)
    assert module_section.activity_ids[-1] == "ex-in-module"
    last = sections[-1]
    assert last.title == label("de", "more_activities") and last.activity_ids == ("ex-on-its-own",)
    placed = [aid for s in sections for aid in s.activity_ids]
    assert sorted(placed) == sorted(r.id for r in catalog.activities())


def _structure(files: dict[str, bytes]) -> dict[str, object]:
    """Everything but the words: identifiers, nesting, resource types, file paths, launch and icon URLs,
    custom parameters."""
    manifest = _xml(files["imsmanifest.xml"])
    ns = {"cc": manifest.nsmap[None]}
    org = manifest.find("cc:organizations/cc:organization", ns)
    items = [
        (
            len(list(i.iterancestors())),
            i.get("identifier"),
            i.get("identifierref"),
            i.find("cc:title", ns) is None,
        )
        for i in org.iter(f"{{{ns['cc']}}}item")
    ]
    resources = [
        (r.get("identifier"), r.get("type"), [f.get("href") for f in r.findall("cc:file", ns)])
        for r in manifest.iterfind("cc:resources/cc:resource", ns)
    ]
    links = {
        name: [
            (etree.QName(el).localname, el.get("name"), el.text if el.tag != f"{{{BLTI_NS}}}title" else None)
            for el in _xml(data).iter()
            if etree.QName(el).localname in ("launch_url", "secure_launch_url", "icon", "property", "code")
        ]
        for name, data in files.items()
        if name != "imsmanifest.xml"
    }
    return {"files": sorted(files), "items": items, "resources": resources, "links": links}


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_cartridges_in_every_language_have_the_same_structure(tree: ContentTree, version: str) -> None:
    catalog = load(tree.root)
    built = {lang: build_cc_files(catalog, TOOL, lang, version=version) for lang in LANGUAGES}
    reference = _structure(built["en"])
    for lang in LANGUAGES:
        assert _structure(built[lang]) == reference, lang
        # ...while the words are the language's own.
        titles = {t for t, _ids in _sections(built[lang])}
        expected = label(lang, "module_n", n=1, title=catalog.modules(lang)[0].title)
        assert expected in titles
        lom_title = _xml(built[lang]["imsmanifest.xml"]).xpath(
            "string(//*[local-name()='general']/*[local-name()='title']/*[local-name()='string'])"
        )
        assert lom_title == label(lang, "course_title")
        if version == "1.1":
            assert moodle_detects_cc11(built[lang]["imsmanifest.xml"])
            assert schema_errors(manifest_schema(), built[lang]["imsmanifest.xml"]) == []


# ------------------------------------------------------------------------------ command line
def test_cli_builds_a_cc11_cartridge_for_moodle(tree: ContentTree, tmp_path: Path) -> None:
    out = main(
        [
            "build",
            "cc",
            str(tmp_path),
            "--root",
            str(tree.root),
            "--lang",
            "uk",
            "--version",
            "1.1",
            "--tool-url",
            TOOL,
        ]
    )
    assert out == 0
    path = tmp_path / "natalli-uk-cc11.imscc"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "imsmanifest.xml"  # Moodle finds the manifest at the root
        files = {n: zf.read(n) for n in names}
    assert moodle_detects_cc11(files["imsmanifest.xml"])
    assert schema_errors(manifest_schema(), files["imsmanifest.xml"]) == []
    link = _xml(files["lti/safe-start.xml"])
    assert link.findtext("blti:launch_url", namespaces=NS) == f"{TOOL}/lti/launch?activity=safe-start"

    default = tmp_path / "default"
    default.mkdir()
    assert main(["build", "cc", str(default), "--root", str(tree.root), "--tool-url", TOOL]) == 0
    with zipfile.ZipFile(default / "natalli-en.imscc") as zf:
        assert _xml(zf.read("imsmanifest.xml")).nsmap[None] == VERSIONS["1.3"].cc_ns


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "olx", "out.tar.gz", "--version", "1.1"], "--version applies to `build cc` only"),
        (["build", "cc", "out.imscc", "--version", "1.2"], "invalid choice: '1.2'"),
    ],
)
def test_cli_refuses_a_version_it_cannot_build(args: list[str], message: str, capsys, tmp_path: Path) -> None:
    args = [a if not a.startswith("out.") else str(tmp_path / a) for a in args]
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_build_refuses_an_unknown_version_in_code(tree: ContentTree) -> None:
    with pytest.raises(ValueError, match="must be one of 1.1, 1.3"):
        build_cc_files(load(tree.root), TOOL, "en", version="1.2")
