"""The official IMS Common Cartridge 1.1 schemas (copied unchanged into standards/, licence notices inside),
loaded with lxml, and Moodle's own test for "this package is a CC 1.1 cartridge"."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

CC11_SCHEMAS = Path(__file__).parent / "standards" / "common-cartridge-1.1"
#: What Moodle's CC 1.1 converter looks for at the start of imsmanifest.xml (after lower-casing and
#: removing white space and quotes).
MOODLE_CC11_MARKER = "xmlns=http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
#: Moodle 5.0 reads 1,024 bytes; older releases read 500. The marker must be within the smaller.
MOODLE_SNIFF_BYTES = 500


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True)


@cache
def manifest_schema() -> etree.XMLSchema:
    """The CC 1.1 content-package profile; it imports the LOM manifest, LOM resource and authorization
    schemas, the four Moodle validates a manifest against."""
    return etree.XMLSchema(etree.parse(str(CC11_SCHEMAS / "ccv1p1_imscp_v1p2_v1p0.xsd"), _parser()))


@cache
def lti_link_schema() -> etree.XMLSchema:
    """``cartridge_basiclti_link`` (imports the Basic LTI, LTI common messaging and profile schemas)."""
    return etree.XMLSchema(etree.parse(str(CC11_SCHEMAS / "imslticc_v1p0p1.xsd"), _parser()))


def schema_errors(schema: etree.XMLSchema, data: bytes) -> list[str]:
    """Every violation, as ``line N: message`` (empty when the document is valid)."""
    doc = etree.fromstring(data, _parser())
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def moodle_detects_cc11(manifest: bytes) -> bool:
    """Moodle's format detection for CC 1.1, applied to the start of ``imsmanifest.xml``."""
    snippet = manifest[:MOODLE_SNIFF_BYTES].decode("utf-8", errors="replace").lower()
    snippet = re.sub(r"\s", "", snippet).replace("'", "").replace('"', "")
    return MOODLE_CC11_MARKER in snippet
