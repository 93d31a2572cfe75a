"""The live content tree: loads, every activity is reachable in every language, both packages build.

Completeness (all translations, ≥ 12 scenarios, ...) is enforced by `python -m course_content validate`,
which `make test` runs; these tests hold at every stage of writing, so they only demand what the tool
needs to serve.
"""

from __future__ import annotations

import pytest
from lxml import etree

from course_content import LANGUAGES, Catalog, load, scan
from course_content.build_cc import build_cc_files
from course_content.build_olx import build_olx_files
from tests.content.cc_schemas import lti_link_schema, manifest_schema, moodle_detects_cc11, schema_errors


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load()


def test_live_content_has_no_fatal_errors() -> None:
    fatal = [str(i) for i in scan().issues if i.fatal]
    assert fatal == []


def test_every_live_activity_resolves_in_every_language(catalog: Catalog) -> None:
    refs = catalog.activities()
    assert refs, "no activities found"
    assert [m.id for m in catalog.modules()] == [r.id for r in refs if r.kind == "module"]
    for lang in LANGUAGES:
        localised = catalog.activities(lang)
        assert [r.id for r in localised] == [r.id for r in refs]
        for ref in localised:
            obj = catalog.get(ref.id, lang)
            assert obj.kind == ref.kind and obj.title and ref.summary
            assert obj.lang == lang


def test_live_packages_build_and_are_well_formed(catalog: Catalog) -> None:
    for files in (build_olx_files(catalog), build_cc_files(catalog, "https://tool.example.org")):
        for name, data in files.items():
            if name.endswith(".xml"):
                etree.fromstring(data)
    cc = build_cc_files(catalog, "https://tool.example.org")
    assert {f"lti/{r.id}.xml" for r in catalog.activities()} <= set(cc)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_live_moodle_cartridge_validates_in_every_language(catalog: Catalog, lang: str) -> None:
    """The real content as Moodle would import it: CC 1.1, schema-valid, one link per activity."""
    files = build_cc_files(catalog, "https://tool.example.org", lang, version="1.1")
    assert moodle_detects_cc11(files["imsmanifest.xml"])
    assert schema_errors(manifest_schema(), files["imsmanifest.xml"]) == []
    links = [name for name in files if name != "imsmanifest.xml"]
    assert sorted(links) == sorted(f"lti/{r.id}.xml" for r in catalog.activities(lang))
    for name in links:
        assert schema_errors(lti_link_schema(), files[name]) == [], name
        activity = name.removeprefix("lti/").removesuffix(".xml")
        assert f"/lti/launch?activity={activity}</blti:launch_url>".encode() in files[name]
