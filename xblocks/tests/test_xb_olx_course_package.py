"""The Open edX course package (`python -m course_content build olx`) read back the way a platform would.

In each language, from the live content: every file course.xml leads to exists and every file in the archive
is reached; url_names are unique; the policy JSON is valid and enables every XBlock type the course uses;
every natalli_* component parses with the XBlock runtime into its own block class, carries only attributes
that are fields of that block, passes the block's own Studio validation, and renders its content (module
and scenario ids resolve) in the course's language. Nothing counts activities: expectations come from the
catalog, so content can grow without touching this file.

The structural blocks (course, chapter, sequential, vertical) and `<html>` belong to edx-platform, not to
the XBlock SDK's runtime, so those are followed as OLX files and their HTML is parsed with lxml.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from html import escape

import pytest
from lxml import etree, html
from xblock.core import XBlock

from course_content import LANGUAGES, load
from course_content.build_olx import TOP, build_olx_files

#: The XBlock type of each content id attribute, and how to find that content in the catalog.
CONTENT_IDS = {"module_id": "module", "scenario_id": "scenario"}


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


@dataclass
class Course:
    """What walking the package found."""

    run: str
    files: dict[str, bytes]
    reached: set[str] = field(default_factory=set)
    url_names: list[tuple[str, str]] = field(default_factory=list)  # (tag, url_name)
    components: list[tuple[str, etree._Element]] = field(default_factory=list)  # (chapter url_name, element)
    html_pages: list[tuple[etree._Element, bytes]] = field(default_factory=list)

    def open(self, path: str) -> bytes:
        full = f"{TOP}/{path}"
        assert full in self.files, f"{path} is referenced but not in the archive"
        self.reached.add(full)
        return self.files[full]

    def follow(self, tag: str, url_name: str | None) -> etree._Element:
        assert url_name, f"a <{tag}> without url_name"
        self.url_names.append((tag, url_name))
        element = _xml(self.open(f"{tag}/{url_name}.xml"))
        assert element.tag == tag
        return element


def _walk(files: dict[str, bytes]) -> Course:
    pointer = _xml(files[f"{TOP}/course.xml"])
    course = Course(run=pointer.get("url_name"), files=files)
    course.open("course.xml")
    root = course.follow("course", course.run)
    for chapter_ref in root.findall("chapter"):
        chapter_name = chapter_ref.get("url_name")
        chapter = course.follow("chapter", chapter_name)
        for seq_ref in chapter.findall("sequential"):
            for vert_ref in course.follow("sequential", seq_ref.get("url_name")).findall("vertical"):
                for comp in course.follow("vertical", vert_ref.get("url_name")):
                    if comp.tag == "html":
                        pointer = course.follow("html", comp.get("url_name"))
                        page = course.open(f"html/{pointer.get('filename')}.html")
                        course.html_pages.append((pointer, page))
                    else:
                        course.url_names.append((comp.tag, comp.get("url_name")))
                        course.components.append((chapter_name, comp))
    return course


@pytest.fixture(scope="module")
def catalog():
    return load()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_olx_package_reads_back_with_the_xblock_runtime(learner, catalog, lang: str) -> None:
    files = build_olx_files(catalog, lang)
    course = _walk(files)

    # The archive holds exactly what the course reaches (policies are read by path, not by reference).
    policy_dir = f"policies/{course.run}"
    for name in (f"{policy_dir}/policy.json", f"{policy_dir}/grading_policy.json", "policies/assets.json"):
        course.open(name)
    assert set(files) == course.reached, f"files nothing refers to: {sorted(set(files) - course.reached)}"

    # url_names: present and unique (Studio keys blocks, and learner state, on them).
    names = [name for _tag, name in course.url_names]
    assert None not in names
    assert [n for n, count in Counter(names).items() if count > 1] == []

    # Policy JSON: valid, keyed by the course's url_name, in the course language, enabling every block used.
    policy = json.loads(files[f"{TOP}/{policy_dir}/policy.json"])
    assert list(policy) == [f"course/{course.run}"]
    settings = policy[f"course/{course.run}"]
    assert settings["language"] == lang and settings["display_name"]
    used = {comp.tag for _chapter, comp in course.components}
    assert used <= set(settings["advanced_modules"])
    for block_type in settings["advanced_modules"]:
        XBlock.load_class(block_type)  # an installed XBlock, or PluginMissingError
    grading = json.loads(files[f"{TOP}/{policy_dir}/grading_policy.json"])
    assert abs(sum(g["weight"] for g in grading["GRADER"]) - 1.0) < 1e-9
    formats = {
        _xml(files[f"{TOP}/sequential/{name}.xml"]).get("format")
        for tag, name in course.url_names
        if tag == "sequential"
    } - {None}
    assert formats <= {g["type"] for g in grading["GRADER"]}
    assert json.loads(files[f"{TOP}/policies/assets.json"]) == {}

    # Every XBlock component parses into its own class and resolves its content.
    for chapter, comp in course.components:
        block = learner.create(etree.tostring(comp, encoding="unicode"))
        assert block.scope_ids.block_type == comp.tag
        for attr, value in comp.attrib.items():
            if attr == "url_name":  # the block's id in Open edX, not a field
                continue
            assert attr in block.fields, f"<{comp.tag} {attr}=...> is not a field of the block"
            assert block.fields[attr].to_string(getattr(block, attr)) == value
        assert [m.text for m in block.validate().messages] == []
        rendered = learner.render(block, lang=lang)
        assert "natalli-unavailable" not in rendered
        assert f'lang="{lang}"' in rendered
        for attr, kind in CONTENT_IDS.items():
            if comp.get(attr):
                content = getattr(catalog, kind)(comp.get(attr), lang)
                assert escape(content.title) in rendered
                assert block.display_name == content.title
                if kind == "scenario":
                    assert chapter == f"chapter-{content.module}"  # in its own module's chapter
    module_ids = [c.get("module_id") for _ch, c in course.components if c.tag == "natalli_module"]
    scenario_ids = [c.get("scenario_id") for _ch, c in course.components if c.tag == "natalli_scenario"]
    assert sorted(module_ids) == sorted(m.id for m in catalog.modules(lang))
    assert sorted(scenario_ids) == sorted(s.id for s in catalog.scenarios(lang=lang))

    # HTML components: a titled pointer and a page that parses, with the unit's text in the language.
    ttt_titles = {u.title for u in catalog.ttt_units(lang)}
    seen_titles = set()
    for pointer, page in course.html_pages:
        assert pointer.get("display_name")
        seen_titles.add(pointer.get("display_name"))
        root = html.fragment_fromstring(page.decode("utf-8"))
        assert root.text_content().strip()
    assert ttt_titles <= seen_titles
