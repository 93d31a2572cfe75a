"""Build an IMS Common Cartridge 1.3 *thin* cartridge (.imscc): LTI links only, no content copies.

Every deep-linkable activity becomes one ``imsbasiclti_xmlv1p0`` resource whose link launches
``{tool}/lti/launch`` with the custom parameter ``activity=<id>``; the organisation has one folder per
module (the module, then its scenarios), then reflection and planning, Train-the-Trainer and the
self-assessments. The text stays in the tool, so a cartridge never goes stale when content is revised.

Canvas matches imported links to an installed LTI 1.3 tool by domain (the ``domain`` extension
property); Moodle matches by the launch URL's host against its configured tool.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from .labels import label
from .loader import Catalog
from .model import ActivityRef
from .packaging import safe_identifier, write_zip, xml_bytes

DEFAULT_TOOL_URL = "http://127.0.0.1:5000"

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOMIMSCC_NS = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
LTICC_NS = "http://www.imsglobal.org/xsd/imslticc_v1p0"
BLTI_NS = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICM_NS = "http://www.imsglobal.org/xsd/imslticm_v1p0"
LTICP_NS = "http://www.imsglobal.org/xsd/imslticp_v1p0"

MANIFEST_SCHEMA_LOCATION = (
    f"{CC_NS} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOMIMSCC_NS} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
)
LINK_SCHEMA_LOCATION = (
    f"{LTICC_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticc_v1p0.xsd "
    f"{BLTI_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imsbasiclti_v1p0p1.xsd "
    f"{LTICM_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticm_v1p0.xsd "
    f"{LTICP_NS} http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticp_v1p0.xsd"
)
LTI_RESOURCE_TYPE = "imsbasiclti_xmlv1p0"


def default_tool_url() -> str:
    return os.environ.get("TOOL_BASE_URL") or DEFAULT_TOOL_URL


def launch_url(tool_url: str) -> str:
    return tool_url.rstrip("/") + "/lti/launch"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def lti_link_xml(ref: ActivityRef, tool_url: str) -> bytes:
    """One ``cartridge_basiclti_link`` (element order as in the IMS Basic LTI example)."""
    nsmap = {None: LTICC_NS, "blti": BLTI_NS, "lticm": LTICM_NS, "lticp": LTICP_NS, "xsi": XSI_NS}
    root = etree.Element(_q(LTICC_NS, "cartridge_basiclti_link"), nsmap=nsmap)
    root.set(_q(XSI_NS, "schemaLocation"), LINK_SCHEMA_LOCATION)
    etree.SubElement(root, _q(BLTI_NS, "title")).text = ref.title
    etree.SubElement(root, _q(BLTI_NS, "description")).text = ref.summary
    custom = etree.SubElement(root, _q(BLTI_NS, "custom"))
    etree.SubElement(custom, _q(LTICM_NS, "property"), name="activity").text = ref.id
    url = launch_url(tool_url)
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
    etree.SubElement(root, _q(BLTI_NS, "launch_url")).text = url
    if parts.scheme == "https":
        etree.SubElement(root, _q(BLTI_NS, "secure_launch_url")).text = url
    vendor = etree.SubElement(root, _q(BLTI_NS, "vendor"))
    etree.SubElement(vendor, _q(LTICP_NS, "code")).text = "natalli"
    etree.SubElement(vendor, _q(LTICP_NS, "name")).text = "NatAlli"
    etree.SubElement(vendor, _q(LTICP_NS, "description")).text = "NatAlli mentoring programme (Erasmus+)"
    return xml_bytes(root)


def build_cc_files(catalog: Catalog, tool_url: str | None = None, lang: str = "en") -> dict[str, bytes]:
    """Archive path -> bytes: ``imsmanifest.xml`` plus one link file per activity."""
    tool_url = tool_url or default_tool_url()
    refs = {r.id: r for r in catalog.activities(lang)}
    files: dict[str, bytes] = {}

    nsmap = {None: CC_NS, "lomimscc": LOMIMSCC_NS, "xsi": XSI_NS}
    identifier = "M_" + uuid.uuid5(uuid.NAMESPACE_URL, f"natalli:{catalog.version}:{lang}").hex
    manifest = etree.Element(_q(CC_NS, "manifest"), identifier=identifier, nsmap=nsmap)
    manifest.set(_q(XSI_NS, "schemaLocation"), MANIFEST_SCHEMA_LOCATION)
    metadata = etree.SubElement(manifest, _q(CC_NS, "metadata"))
    etree.SubElement(metadata, _q(CC_NS, "schema")).text = "IMS Common Cartridge"
    etree.SubElement(metadata, _q(CC_NS, "schemaversion")).text = "1.3.0"
    general = etree.SubElement(etree.SubElement(metadata, _q(LOMIMSCC_NS, "lom")), _q(LOMIMSCC_NS, "general"))
    for tag, text in (
        ("title", label(lang, "course_title")),
        ("description", label(lang, "course_description")),
    ):
        etree.SubElement(
            etree.SubElement(general, _q(LOMIMSCC_NS, tag)), _q(LOMIMSCC_NS, "string"), language=lang
        ).text = text

    organization = etree.SubElement(
        etree.SubElement(manifest, _q(CC_NS, "organizations")),
        _q(CC_NS, "organization"),
        identifier="O_1",
        structure="rooted-hierarchy",
    )
    root_item = etree.SubElement(organization, _q(CC_NS, "item"), identifier="I_root")
    resources = etree.SubElement(manifest, _q(CC_NS, "resources"))
    placed: list[str] = []

    def folder(ident: str, title: str) -> etree._Element:
        item = etree.SubElement(root_item, _q(CC_NS, "item"), identifier=safe_identifier(ident, "F_"))
        etree.SubElement(item, _q(CC_NS, "title")).text = title
        return item

    def link(parent: etree._Element, activity_id: str) -> None:
        ref = refs[activity_id]
        href = f"lti/{activity_id}.xml"
        res_id = safe_identifier(activity_id, "R_")
        files[href] = lti_link_xml(ref, tool_url)
        resource = etree.SubElement(
            resources, _q(CC_NS, "resource"), identifier=res_id, type=LTI_RESOURCE_TYPE
        )
        etree.SubElement(resource, _q(CC_NS, "file"), href=href)
        item = etree.SubElement(
            parent, _q(CC_NS, "item"), identifier=safe_identifier(activity_id, "I_"), identifierref=res_id
        )
        etree.SubElement(item, _q(CC_NS, "title")).text = ref.title
        placed.append(activity_id)

    for module in catalog.modules(lang):
        item = folder(module.id, label(lang, "module_n", n=module.order, title=module.title))
        link(item, module.id)
        for sc in catalog.scenarios(module=module.id, lang=lang):
            link(item, sc.id)

    groups = (
        ("reflection-and-planning", "reflection_and_planning", ("journal", "action_plan")),
        ("train-the-trainer", "ttt", ("ttt_unit", "workshop_agenda")),
        ("self-assessments", "self_assessments", ("self_assessment",)),
    )
    for ident, key, kinds in groups:
        ids = [r.id for r in refs.values() if r.kind in kinds]
        if ids:
            item = folder(ident, label(lang, key))
            for aid in ids:
                link(item, aid)
    # Anything not placed above (e.g. a scenario whose module is not written yet) still gets a link.
    leftovers = [aid for aid in refs if aid not in placed]
    if leftovers:
        item = folder("more", label(lang, "scenarios"))
        for aid in leftovers:
            link(item, aid)

    files["imsmanifest.xml"] = xml_bytes(manifest)
    return files


def build_cc(catalog: Catalog, out: Path, tool_url: str | None = None, lang: str = "en") -> Path:
    """Write the cartridge to ``out`` (an .imscc file, or a directory to put natalli-<lang>.imscc in)."""
    out = Path(out)
    if out.is_dir():
        out = out / f"natalli-{lang}.imscc"
    write_zip(out, build_cc_files(catalog, tool_url, lang), first="imsmanifest.xml")
    return out
