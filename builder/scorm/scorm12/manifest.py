"""The SCORM 1.2 manifest: a typed plan, its lxml serialisation, and the checks a schema misses.

The plan is built from the course model and from the very list of files that goes into the zip,
so the manifest and the package agree by construction; :func:`check_manifest` then proves it
again on the bytes (the content-package rules of ``builder/scorm/contentpackage.py`` plus the
mastery score), and ``coursepack validate`` runs the same checks on any zip.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterable, NamedTuple, Optional, Sequence, Tuple

from lxml import etree

from builder.model import Course
from builder.problems import Problems
from builder.scorm.contentpackage import MANIFEST_NAME, SCORM12, add_element, check_package, identifiers

IMSCP = SCORM12.imscp
ADLCP = SCORM12.adlcp
#: Moodle matches element names with their literal prefix, so the ADL namespace must be bound
#: to ``adlcp`` and nothing else (docs: moodle-scorm.md, "Prefix quirk").
NSMAP = {None: IMSCP, "adlcp": ADLCP}
SCHEMA_FILE = "adlcp_rootv1p2.xsd"  #: the root of the official 1.2 XSDs (never shipped)


class ManifestPlan(NamedTuple):
    """Everything the manifest says, before it becomes XML."""

    identifier: str
    version: str
    organization_id: str
    title: str
    item_id: str
    item_title: str
    resource_id: str
    launch: str
    files: Tuple[str, ...]
    mastery_score: Optional[float]


def plan_manifest(course: Course, files: Sequence[str], launch: str) -> ManifestPlan:
    manifest_id, org_id, item_id, res_id = identifiers(course)
    return ManifestPlan(
        identifier=manifest_id,
        version=course.version,
        organization_id=org_id,
        title=course.title,
        item_id=item_id,
        item_title=course.title,
        resource_id=res_id,
        launch=launch,
        files=tuple(files),
        mastery_score=course.pass_mark if course.mastery_score_in_manifest else None,
    )


def _score(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def manifest_xml(plan: ManifestPlan) -> bytes:
    """Serialise *plan* as ``imsmanifest.xml`` (UTF-8, with an XML declaration)."""
    root = etree.Element(f"{{{IMSCP}}}manifest", nsmap=NSMAP, identifier=plan.identifier, version=plan.version)
    metadata = _add(root, "metadata")
    _add(metadata, "schema", "ADL SCORM")
    _add(metadata, "schemaversion", "1.2")
    organizations = _add(root, "organizations", default=plan.organization_id)
    organization = _add(organizations, "organization", identifier=plan.organization_id)
    _add(organization, "title", plan.title)
    item = _add(organization, "item", identifier=plan.item_id, identifierref=plan.resource_id, isvisible="true")
    _add(item, "title", plan.item_title)
    if plan.mastery_score is not None:
        etree.SubElement(item, f"{{{ADLCP}}}masteryscore").text = _score(plan.mastery_score)
    resources = _add(root, "resources")
    resource = _add(resources, "resource", identifier=plan.resource_id, type="webcontent", href=plan.launch)
    resource.set(f"{{{ADLCP}}}scormtype", "sco")
    for name in plan.files:
        _add(resource, "file", href=name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add(parent, tag: str, text: Optional[str] = None, **attrib: str):
    """A new IMS CP element *tag* (with *text* and *attrib*) at the end of *parent*."""
    return add_element(parent, IMSCP, tag, text, **attrib)


@functools.lru_cache(maxsize=4)
def _schema(schemas_dir: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(schemas_dir) / SCHEMA_FILE)))


def validate_schema(xml: bytes, schemas_dir: Path, problems: Problems, shown: str = MANIFEST_NAME) -> None:
    """Validate against the official SCORM 1.2 schemas in *schemas_dir* (never copied into a package)."""
    root_xsd = Path(schemas_dir) / SCHEMA_FILE
    if not root_xsd.is_file():
        problems.add(
            str(schemas_dir),
            "does not hold the SCORM 1.2 schemas (adlcp_rootv1p2.xsd is missing)",
            hint="point --schemas at the folder with adlcp_rootv1p2.xsd, imscp_rootv1p1p2.xsd and ims_xml.xsd",
        )
        return
    schema = _schema(str(Path(schemas_dir).resolve()))
    doc = etree.fromstring(xml).getroottree()
    if not schema.validate(doc):
        for err in schema.error_log:
            problems.add(
                shown,
                f"does not match the SCORM 1.2 schema: {err.message}",
                err.line,
                err.column or None,
                hint="this is a defect in the package; rebuild it with coursepack",
            )


def check_manifest(xml: bytes, zip_names: Iterable[str], problems: Problems, shown: str = MANIFEST_NAME) -> None:
    """The rules the SCORM 1.2 schemas cannot check, on the manifest bytes and the zip's file list."""
    root = check_package(xml, zip_names, SCORM12, problems, shown)
    if root is None:
        return
    for item in root.iter(f"{{{IMSCP}}}item"):
        mastery = item.findtext("adlcp:masteryscore", namespaces={"adlcp": ADLCP})
        if mastery is None:
            continue
        try:
            ok = 0 <= float(mastery) <= 100
        except ValueError:
            ok = False
        if not ok:
            problems.add(shown, f"masteryscore '{mastery}' is not a number from 0 to 100", item.sourceline)
