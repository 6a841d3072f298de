"""The SCORM 1.2 manifest: a typed plan, its lxml serialisation, and the checks a schema misses.

The plan is built from the course model and from the very list of files that goes into the zip,
so the manifest and the package agree by construction; :func:`check_manifest` then proves it
again on the bytes, and ``coursepack validate`` runs the same checks on any zip.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterable, NamedTuple, Optional, Sequence, Tuple

from lxml import etree

from builder.model import Course
from builder.problems import Problems

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
#: Moodle matches element names with their literal prefix, so the ADL namespace must be bound
#: to ``adlcp`` and nothing else (docs: moodle-scorm.md, "Prefix quirk").
NSMAP = {None: IMSCP, "adlcp": ADLCP}
MANIFEST_NAME = "imsmanifest.xml"
SCHEMA_FILE = "adlcp_rootv1p2.xsd"  #: the root of the official 1.2 XSDs (never shipped)
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


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


def identifiers(course: Course) -> Tuple[str, str, str, str]:
    """Manifest, organization, item and resource identifiers, derived from the course id only.

    They never include the version: an LMS keys learner records on them, and a new version of
    the course must replace the old one without orphaning those records.
    """
    base = course.id
    return base, f"{base}-org", f"{base}-sco", f"{base}-res"


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
    el = etree.SubElement(parent, f"{{{IMSCP}}}{tag}", **attrib)
    el.text = text
    return el


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
    names = set(zip_names)
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        problems.add(
            shown,
            f"is not well-formed XML: {exc.msg}",
            exc.lineno,
            exc.offset,
            hint="Moodle stops with 'XML error' on such a manifest",
        )
        return
    ns = {"cp": IMSCP, "adlcp": ADLCP}

    def add(el, message, hint=None):
        problems.add(shown, message, getattr(el, "sourceline", None), hint=hint)

    if root.tag != f"{{{IMSCP}}}manifest":
        add(root, f"the root element is {root.tag}, not the IMS CP 1.1.2 <manifest>")
        return
    for el in root.iter():
        for prefix, uri in (el.nsmap or {}).items():
            if uri == ADLCP and prefix != "adlcp":
                add(
                    el,
                    f"the ADL namespace is bound to the prefix '{prefix}'",
                    hint="bind it to 'adlcp': Moodle matches the literal prefix and otherwise treats SCOs as assets",
                )
                break
    schema = root.findtext("cp:metadata/cp:schema", namespaces=ns)
    version = root.findtext("cp:metadata/cp:schemaversion", namespaces=ns)
    if schema != "ADL SCORM" or version != "1.2":
        add(root, f"metadata says schema '{schema}', version '{version}'; SCORM 1.2 needs 'ADL SCORM' and '1.2'")
    for el in root.iter(f"{{{IMSCP}}}*"):
        ident = el.get("identifier")
        if ident is not None and not NCNAME.match(ident):
            add(el, f"identifier '{ident}' is not an XML name (start with a letter; letters, digits, '.', '-', '_')")
    orgs = root.find("cp:organizations", ns)
    org_ids = {o.get("identifier") for o in root.iterfind("cp:organizations/cp:organization", ns)}
    default = orgs.get("default") if orgs is not None else None
    if not org_ids:
        add(orgs if orgs is not None else root, "the manifest has no organization")
    elif default not in org_ids:
        add(
            orgs,
            f"the default organization '{default}' does not exist",
            hint="organizations/@default must name one of: " + ", ".join(sorted(org_ids)),
        )
    for org in root.iterfind("cp:organizations/cp:organization", ns):
        if not (org.findtext("cp:title", namespaces=ns) or "").strip():
            add(org, "an organization has no title")
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", ns)}
    listed = set()
    scos = 0
    for item in root.iter(f"{{{IMSCP}}}item"):
        if not (item.findtext("cp:title", namespaces=ns) or "").strip():
            add(item, f"item '{item.get('identifier')}' has no title")
        ref = item.get("identifierref")
        if ref is not None and ref not in resources:
            add(item, f"item '{item.get('identifier')}' points to resource '{ref}', which does not exist")
        mastery = item.findtext("adlcp:masteryscore", namespaces=ns)
        if mastery is not None:
            try:
                ok = 0 <= float(mastery) <= 100
            except ValueError:
                ok = False
            if not ok:
                add(item, f"masteryscore '{mastery}' is not a number from 0 to 100")
    for rid, res in resources.items():
        scormtype = res.get(f"{{{ADLCP}}}scormtype")
        if scormtype not in ("sco", "asset"):
            add(
                res,
                f"resource '{rid}' has no adlcp:scormtype 'sco' or 'asset'",
                hint="without it Moodle treats the resource as an asset and marks it completed on launch",
            )
        scos += scormtype == "sco"
        href = res.get("href")
        if href is not None and href.split("?")[0].split("#")[0] not in names:
            add(res, f"resource '{rid}' launches '{href}', which is not in the package")
        for f in res.iterfind("cp:file", ns):
            fhref = f.get("href")
            listed.add(fhref)
            if fhref not in names:
                add(f, f'<file href="{fhref}"> is listed but not in the package')
        for dep in res.iterfind("cp:dependency", ns):
            if dep.get("identifierref") not in resources:
                add(dep, f"dependency '{dep.get('identifierref')}' names no resource")
    if not scos:
        add(root, "the package has no SCO, so nothing reports to the LMS")
    for name in sorted(names - listed - {MANIFEST_NAME}):
        if not name.endswith("/"):
            add(
                root,
                f"'{name}' is in the package but not listed in any <file> element",
                hint="some LMS repositories delete files a manifest does not list",
            )
