"""Build an IMS Common Cartridge *thin* cartridge (.imscc): LTI links only, no content copies.

Two versions, because the LMSs disagree:

* **1.3** (the default) for Canvas, Brightspace, Schoology and other platforms that read CC 1.2/1.3. Every
  link launches ``{tool}/lti/launch`` with the custom parameter ``activity=<id>``.
* **1.1** for Moodle (up to at least 5.0), whose importer takes a package only if the manifest's default
  namespace is the CC 1.1 (or 1.0) one, checks it against the CC 1.1 schemas, and keeps only the title,
  description, launch URL and icon of each LTI link: custom parameters are dropped. So a 1.1 link names
  its activity in the launch URL itself, ``{tool}/lti/launch?activity=<id>`` (custom parameter too); Moodle
  binds the imported activity to the registered LTI 1.3 tool whose URL matches and sends that URL as the
  ``target_link_uri`` claim, from which the tool takes the activity. One query parameter only: Moodle
  HTML-escapes the URL it copies, so an ``&`` would not survive.

The organisation is the programme as one course: a section per module (the module, then every activity
that names that module — scenarios, exercises), then reflection and planning (journal, action plan), the
Train-the-Trainer course and the self-assessments; anything else the content defines gets a last section,
so no activity is ever left out. The text stays in the tool, so a cartridge never goes stale when
content is revised.

Canvas matches imported links to an installed LTI 1.3 tool by domain (the ``domain`` extension
property); Moodle by the launch URL against its configured tool's URL.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from lxml import etree

from .labels import label
from .loader import Catalog
from .model import ActivityRef
from .packaging import safe_identifier, write_zip, xml_bytes

DEFAULT_TOOL_URL = "http://127.0.0.1:5000"

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
LTICC_NS = "http://www.imsglobal.org/xsd/imslticc_v1p0"
BLTI_NS = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM_NS = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP_NS = "http://www.imsglobal.org/xsd/imslticp_v1p0"

LINK_SCHEMA_LOCATION = (
    f"{LTICC_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticc_v1p0.xsd "
    f"{BLTI_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imsbasiclti_v1p0p1.xsd "
    f"{LTICM_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticm_v1p0.xsd "
    f"{LTICP_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticp_v1p0.xsd"
)
LTI_RESOURCE_TYPE = "imsbasiclti_xmlv1p0"
#: The tool serves its logo here (also announced as ``logo_uri`` at Dynamic Registration).
ICON_PATH = "/static/logo.svg"


@dataclass(frozen=True)
class CartridgeVersion:
    """What differs between the cartridge versions we write."""

    version: str
    cc_ns: str
    lom_ns: str
    schema_location: str
    activity_in_url: bool  # the LMS drops custom parameters: name the activity in the launch URL
    general_section: bool  # the LMS makes the first top-level item its "General" section 0

    @property
    def schemaversion(self) -> str:
        return self.version + ".0"


_CC13_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
_CC13_LOM = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
_CC11_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
_CC11_LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"

VERSIONS: dict[str, CartridgeVersion] = {
    "1.3": CartridgeVersion(
        version="1.3",
        cc_ns=_CC13_NS,
        lom_ns=_CC13_LOM,
        schema_location=(
            f"{_CC13_NS} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
            f"{_CC13_LOM} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
        ),
        activity_in_url=False,
        general_section=False,
    ),
    "1.1": CartridgeVersion(
        version="1.1",
        cc_ns=_CC11_NS,
        lom_ns=_CC11_LOM,
        schema_location=(
            f"{_CC11_NS} http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd "
            f"{_CC11_LOM} http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd"
        ),
        activity_in_url=True,
        general_section=True,
    ),
}
DEFAULT_VERSION = "1.3"
# Kept for callers that only know the default version.
CC_NS = VERSIONS[DEFAULT_VERSION].cc_ns
LOMIMSCC_NS = VERSIONS[DEFAULT_VERSION].lom_ns


def default_tool_url() -> str:
    return os.environ.get("TOOL_BASE_URL") or DEFAULT_TOOL_URL


def launch_url(tool_url: str) -> str:
    return tool_url.rstrip("/") + "/lti/launch"


def activity_launch_url(tool_url: str, activity_id: str) -> str:
    """``{tool}/lti/launch?activity=<id>``: the form the tool reads back from ``target_link_uri``."""
    return launch_url(tool_url) + "?" + urlencode({"activity": activity_id})


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


@dataclass(frozen=True)
class Section:
    """One top-level folder of the organisation (a section in Moodle, a module in Canvas)."""

    ident: str
    title: str
    activity_ids: tuple[str, ...]


def course_sections(catalog: Catalog, lang: str = "en") -> list[Section]:
    """The programme as one course, generic over whatever activities the loader returns.

    A module's section holds the module, then every activity whose ``module`` names it, in catalog order
    (scenarios, exercises, ...). Then reflection and planning, Train the Trainer, self-assessments; any
    activity not placed by then gets a final section, so a new kind of content is never silently dropped.
    """
    refs = catalog.activities(lang)
    placed: set[str] = set()
    sections: list[Section] = []

    def add(ident: str, title: str, ids: list[str]) -> None:
        ids = [aid for aid in ids if aid not in placed]
        if ids:
            placed.update(ids)
            sections.append(Section(ident, title, tuple(ids)))

    for module in catalog.modules(lang):
        members = [
            r.id
            for r in refs
            if r.id != module.id and getattr(catalog.get(r.id, lang), "module", None) == module.id
        ]
        add(module.id, label(lang, "module_n", n=module.order, title=module.title), [module.id, *members])

    groups = (
        ("reflection-and-planning", "reflection_and_planning", ("journal", "action_plan")),
        ("train-the-trainer", "ttt", ("ttt_unit", "workshop_agenda")),
        ("self-assessments", "self_assessments", ("self_assessment",)),
    )
    for ident, key, kinds in groups:
        add(ident, label(lang, key), [r.id for r in refs if r.kind in kinds])
    add("more", label(lang, "more_activities"), [r.id for r in refs])
    return sections


def lti_link_xml(ref: ActivityRef, tool_url: str, version: str = DEFAULT_VERSION) -> bytes:
    """One ``cartridge_basiclti_link``, its elements in the order ``imsbasiclti_v1p0p1.xsd`` requires."""
    profile = VERSIONS[version]
    nsmap = {None: LTICC_NS, "blti": BLTI_NS, "lticm": LTICM_NS, "lticp": LTICP_NS, "xsi": XSI_NS}
    root = etree.Element(_q(LTICC_NS, "cartridge_basiclti_link"), nsmap=nsmap)
    root.set(_q(XSI_NS, "schemaLocation"), LINK_SCHEMA_LOCATION)
    etree.SubElement(root, _q(BLTI_NS, "title")).text = ref.title
    etree.SubElement(root, _q(BLTI_NS, "description")).text = ref.summary
    custom = etree.SubElement(root, _q(BLTI_NS, "custom"))
    etree.SubElement(custom, _q(LTICM_NS, "property"), name="activity").text = ref.id
    base = tool_url.rstrip("/")
    url = activity_launch_url(base, ref.id) if profile.activity_in_url else launch_url(base)
    parts = urlsplit(url)
    # Canvas: links are matched to the installed tool by domain; privacy "public" so names and roles
    # reach the tool (it needs roles to tell facilitators from learners).
    canvas = etree.SubElement(root, _q(BLTI_NS, "extensions"), platform="canvas.instructure.com")
    for name, value in (
        ("tool_id", "natalli"),
        ("domain", parts.hostname or ""),
        ("privacy_level", "public"),
    ):
        etree.SubElement(canvas, _q(LTICM_NS, "property"), name=name).text = value
    secure = parts.scheme == "https"
    etree.SubElement(root, _q(BLTI_NS, "launch_url")).text = url
    if secure:
        etree.SubElement(root, _q(BLTI_NS, "secure_launch_url")).text = url
    etree.SubElement(root, _q(BLTI_NS, "icon")).text = base + ICON_PATH
    if secure:
        etree.SubElement(root, _q(BLTI_NS, "secure_icon")).text = base + ICON_PATH
    vendor = etree.SubElement(root, _q(BLTI_NS, "vendor"))
    etree.SubElement(vendor, _q(LTICP_NS, "code")).text = "natalli"
    etree.SubElement(vendor, _q(LTICP_NS, "name")).text = "NatAlli"
    etree.SubElement(vendor, _q(LTICP_NS, "description")).text = "NatAlli mentoring programme (Erasmus+)"
    return xml_bytes(root)


def _manifest(catalog: Catalog, lang: str, profile: CartridgeVersion) -> etree._Element:
    """The manifest root with its metadata; the default namespace is declared on the very first element,
    well inside the first 500 bytes Moodle's format detection reads."""
    cc, lom = profile.cc_ns, profile.lom_ns
    identifier = "M_" + uuid.uuid5(uuid.NAMESPACE_URL, f"natalli:{catalog.version}:{lang}").hex
    manifest = etree.Element(_q(cc, "manifest"), nsmap={None: cc, "lomimscc": lom, "xsi": XSI_NS})
    manifest.set("identifier", identifier)
    manifest.set(_q(XSI_NS, "schemaLocation"), profile.schema_location)
    metadata = etree.SubElement(manifest, _q(cc, "metadata"))
    etree.SubElement(metadata, _q(cc, "schema")).text = "IMS Common Cartridge"
    etree.SubElement(metadata, _q(cc, "schemaversion")).text = profile.schemaversion
    general = etree.SubElement(etree.SubElement(metadata, _q(lom, "lom")), _q(lom, "general"))
    for tag, text in (
        ("title", label(lang, "course_title")),
        ("description", label(lang, "course_description")),
    ):
        etree.SubElement(
            etree.SubElement(general, _q(lom, tag)), _q(lom, "string"), language=lang
        ).text = text
    return manifest


def build_cc_files(
    catalog: Catalog, tool_url: str | None = None, lang: str = "en", version: str = DEFAULT_VERSION
) -> dict[str, bytes]:
    """Archive path -> bytes: ``imsmanifest.xml`` plus one link file per activity."""
    if version not in VERSIONS:
        raise ValueError(
            f"Common Cartridge version must be one of {', '.join(sorted(VERSIONS))}, not {version!r}"
        )
    profile = VERSIONS[version]
    cc = profile.cc_ns
    tool_url = tool_url or default_tool_url()
    refs = {r.id: r for r in catalog.activities(lang)}
    files: dict[str, bytes] = {}

    manifest = _manifest(catalog, lang, profile)
    organization = etree.SubElement(
        etree.SubElement(manifest, _q(cc, "organizations")),
        _q(cc, "organization"),
        identifier="O_1",
        structure="rooted-hierarchy",
    )
    root_item = etree.SubElement(organization, _q(cc, "item"), identifier="I_root")
    resources = etree.SubElement(manifest, _q(cc, "resources"))

    def folder(ident: str, title: str) -> etree._Element:
        item = etree.SubElement(root_item, _q(cc, "item"), identifier=safe_identifier(ident, "F_"))
        etree.SubElement(item, _q(cc, "title")).text = title
        return item

    def link(parent: etree._Element, activity_id: str) -> None:
        ref = refs[activity_id]
        href = f"lti/{activity_id}.xml"
        res_id = safe_identifier(activity_id, "R_")
        files[href] = lti_link_xml(ref, tool_url, version)
        resource = etree.SubElement(resources, _q(cc, "resource"), identifier=res_id, type=LTI_RESOURCE_TYPE)
        etree.SubElement(resource, _q(cc, "file"), href=href)
        item = etree.SubElement(
            parent, _q(cc, "item"), identifier=safe_identifier(activity_id, "I_"), identifierref=res_id
        )
        etree.SubElement(item, _q(cc, "title")).text = ref.title

    if profile.general_section:
        # Moodle numbers sections from the first top-level item, starting at 0 ("General") and showing a
        # folder's title as the section summary: an empty first folder introduces the programme, and
        # module n lands in section n.
        folder("about", label(lang, "course_description"))
    for section in course_sections(catalog, lang):
        item = folder(section.ident, section.title)
        for activity_id in section.activity_ids:
            link(item, activity_id)

    files["imsmanifest.xml"] = xml_bytes(manifest)
    return files


def cartridge_filename(lang: str, version: str = DEFAULT_VERSION) -> str:
    suffix = "" if version == DEFAULT_VERSION else "-cc" + version.replace(".", "")
    return f"natalli-{lang}{suffix}.imscc"


def build_cc(
    catalog: Catalog,
    out: Path,
    tool_url: str | None = None,
    lang: str = "en",
    version: str = DEFAULT_VERSION,
) -> Path:
    """Write the cartridge to ``out`` (an .imscc file, or a directory to put natalli-<lang>[-cc11].imscc in)."""
    out = Path(out)
    if out.is_dir():
        out = out / cartridge_filename(lang, version)
    write_zip(out, build_cc_files(catalog, tool_url, lang, version), first="imsmanifest.xml")
    return out
