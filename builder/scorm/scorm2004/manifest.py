"""The SCORM 2004 4th Edition manifest: a typed plan, its lxml serialisation, and the checks a schema misses.

One organization with one item, the SCO (the player keeps its own navigation), and the least
sequencing a single SCO needs (docs/scorm2004.md, "The manifest"):

* on the organization, ``imsss:controlMode choice="true" flow="true"``: flow defaults to false,
  and without it an LMS that runs sequencing cannot start the SCO by itself;
* on the item, ``imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"``:
  the SCO reports completion and success itself, so the LMS never marks it completed or passed
  because a session ended;
* only with ``mastery_score_in_manifest: true``, a primary objective with ``satisfiedByMeasure``
  and the pass mark as ``minNormalizedMeasure``, so the LMS judges success from ``cmi.score.scaled``;
* ``adlnav:hideLMSUI`` for ``previous`` and ``continue``: the player has its own Previous and Next,
  and with one SCO the LMS's buttons have nowhere to go.

The content-package rules shared with SCORM 1.2 live in ``builder/scorm/contentpackage.py``.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Iterable, NamedTuple, Optional, Sequence, Tuple

from lxml import etree

from builder.model import Course
from builder.problems import Problems
from builder.scorm.contentpackage import MANIFEST_NAME, SCORM2004, add_element, check_package, identifiers
from builder.scorm.scorm2004.status import objective_id

IMSCP = SCORM2004.imscp
ADLCP = SCORM2004.adlcp
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
#: Every namespace a 4th Edition manifest uses, each under the prefix Moodle matches literally.
#: adlseq is declared though nothing of it is written: its defaults are what a single SCO needs.
NSMAP = {None: IMSCP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS}
#: The official XSD of each namespace (in /work/shared/schemas/scorm2004; never shipped).
SCHEMA_FILES = {
    IMSCP: "imscp_v1p1.xsd",
    ADLCP: "adlcp_v1p3.xsd",
    ADLSEQ: "adlseq_v1p3.xsd",
    ADLNAV: "adlnav_v1p3.xsd",
    IMSSS: "imsss_v1p0.xsd",
}
SCHEMA_MARKER = "imsss_v1p0.xsd"  #: the file that tells a folder of 2004 XSDs apart
#: The LMS buttons the player replaces: its own Previous and Next.
HIDDEN_LMS_BUTTONS = ("previous", "continue")


class ManifestPlan(NamedTuple):
    """Everything the manifest says, before it becomes XML."""

    identifier: str
    version: str
    organization_id: str
    title: str
    item_id: str
    resource_id: str
    launch: str
    files: Tuple[str, ...]
    objective_id: Optional[str]  #: the quiz's primary objective, only when the LMS judges success
    min_normalized_measure: Optional[str]  #: the pass mark as a fraction of 1 ("0.75")


def scaled_pass_mark(pass_mark: float) -> str:
    """The pass mark (a percentage) as a decimal fraction of 1, written exactly: 75 -> '0.75', 100 -> '1'."""
    value = (Decimal(str(pass_mark)) / 100).normalize()
    return format(value, "f")


def plan_manifest(course: Course, files: Sequence[str], launch: str) -> ManifestPlan:
    manifest_id, org_id, item_id, res_id = identifiers(course)
    judged = course.mastery_score_in_manifest
    return ManifestPlan(
        identifier=manifest_id,
        version=course.version,
        organization_id=org_id,
        title=course.title,
        item_id=item_id,
        resource_id=res_id,
        launch=launch,
        files=tuple(files),
        objective_id=objective_id(course) if judged else None,
        min_normalized_measure=scaled_pass_mark(course.pass_mark) if judged else None,
    )


def manifest_xml(plan: ManifestPlan) -> bytes:
    """Serialise *plan* as ``imsmanifest.xml`` (UTF-8, with an XML declaration)."""
    root = etree.Element(f"{{{IMSCP}}}manifest", nsmap=NSMAP, identifier=plan.identifier, version=plan.version)
    metadata = add_element(root, IMSCP, "metadata")
    add_element(metadata, IMSCP, "schema", "ADL SCORM")
    add_element(metadata, IMSCP, "schemaversion", SCORM2004.schemaversion)
    organizations = add_element(root, IMSCP, "organizations", default=plan.organization_id)
    organization = add_element(organizations, IMSCP, "organization", identifier=plan.organization_id)
    add_element(organization, IMSCP, "title", plan.title)
    item = add_element(
        organization, IMSCP, "item", identifier=plan.item_id, identifierref=plan.resource_id, isvisible="true"
    )
    add_element(item, IMSCP, "title", plan.title)
    # The CAM's order of an item's extensions: imsss:sequencing, then adlnav:presentation.
    sequencing = add_element(item, IMSSS, "sequencing")
    if plan.objective_id is not None:
        objectives = add_element(sequencing, IMSSS, "objectives")
        primary = add_element(
            objectives, IMSSS, "primaryObjective", objectiveID=plan.objective_id, satisfiedByMeasure="true"
        )
        add_element(primary, IMSSS, "minNormalizedMeasure", plan.min_normalized_measure)
    add_element(sequencing, IMSSS, "deliveryControls", completionSetByContent="true", objectiveSetByContent="true")
    navigation = add_element(add_element(item, ADLNAV, "presentation"), ADLNAV, "navigationInterface")
    for button in HIDDEN_LMS_BUTTONS:
        add_element(navigation, ADLNAV, "hideLMSUI", button)
    add_element(add_element(organization, IMSSS, "sequencing"), IMSSS, "controlMode", choice="true", flow="true")
    resources = add_element(root, IMSCP, "resources")
    resource = add_element(
        resources, IMSCP, "resource", identifier=plan.resource_id, type="webcontent", href=plan.launch
    )
    resource.set(f"{{{ADLCP}}}scormType", "sco")
    for name in plan.files:
        add_element(resource, IMSCP, "file", href=name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------------- the official schemas
@functools.lru_cache(maxsize=4)
def _schema(schemas_dir: str) -> etree.XMLSchema:
    """One schema importing every namespace's XSD: lxml does not follow a manifest's xsi:schemaLocation."""
    folder = Path(schemas_dir)
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(folder / file).as_uri()}"/>'
        for ns, file in SCHEMA_FILES.items()
    )
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(driver.encode(), base_url=folder.as_uri() + "/"))


def validate_schema(xml: bytes, schemas_dir: Path, problems: Problems, shown: str = MANIFEST_NAME) -> None:
    """Validate against the official SCORM 2004 4th Edition schemas in *schemas_dir* (never copied into a package)."""
    missing = [name for name in SCHEMA_FILES.values() if not (Path(schemas_dir) / name).is_file()]
    if missing:
        problems.add(
            str(schemas_dir),
            f"does not hold the SCORM 2004 4th Edition schemas ({', '.join(missing)} missing)",
            hint="point --schemas at the folder with imscp_v1p1.xsd, adlcp_v1p3.xsd, adlseq_v1p3.xsd, "
            "adlnav_v1p3.xsd and imsss_v1p0.xsd (and the files they include), or at a folder holding scorm2004/",
        )
        return
    schema = _schema(str(Path(schemas_dir).resolve()))
    doc = etree.fromstring(xml).getroottree()
    if not schema.validate(doc):
        for err in schema.error_log:
            problems.add(
                shown,
                f"does not match the SCORM 2004 4th Edition schema: {err.message}",
                err.line,
                err.column or None,
                hint="this is a defect in the package; rebuild it with coursepack",
            )


# ---------------------------------------------------------------------- what a schema cannot check
def check_manifest(xml: bytes, zip_names: Iterable[str], problems: Problems, shown: str = MANIFEST_NAME) -> None:
    """The rules the 2004 schemas cannot check, on the manifest bytes and the zip's file list.

    The content-package rules (builder/scorm/contentpackage.py), then the sequencing a single SCO
    needs: the LMS may start it, leaves completion and success to it, and judges success from
    the score only against a stated mastery.
    """
    root = check_package(xml, zip_names, SCORM2004, problems, shown)
    if root is None:
        return
    ns = {"cp": IMSCP, "imsss": IMSSS}

    def add(el, message, hint=None):
        problems.add(shown, message, getattr(el, "sourceline", None), hint=hint)

    for org in root.iterfind("cp:organizations/cp:organization", ns):
        control = org.find("imsss:sequencing/imsss:controlMode", ns)
        if control is None or control.get("flow") not in ("true", "1") or control.get("choice") in ("false", "0"):
            add(
                org if control is None else control,
                f"organization '{org.get('identifier')}' does not let the LMS start its SCO "
                '(imsss:controlMode needs flow="true" and choice left on)',
                hint="flow defaults to false: an LMS that runs sequencing then waits for the learner to pick the SCO",
            )
    for item in root.iter(f"{{{IMSCP}}}item"):
        if item.get("identifierref") is None:
            continue
        delivery = item.find("imsss:sequencing/imsss:deliveryControls", ns)
        set_by_content = delivery is not None and all(
            delivery.get(name) in ("true", "1") for name in ("completionSetByContent", "objectiveSetByContent")
        )
        if not set_by_content:
            add(
                item if delivery is None else delivery,
                f"item '{item.get('identifier')}' lets the LMS decide completion and success "
                '(imsss:deliveryControls needs completionSetByContent="true" and objectiveSetByContent="true")',
                hint="otherwise an LMS records the SCO completed and passed when a session ends, whatever it reported",
            )
        for objective in item.iterfind("imsss:sequencing/imsss:objectives/imsss:primaryObjective", ns):
            if objective.get("satisfiedByMeasure") not in ("true", "1"):
                continue
            measure = objective.findtext("imsss:minNormalizedMeasure", namespaces=ns)
            try:
                ok = measure is not None and 0 <= Decimal(measure.strip()) <= 1
            except ArithmeticError:
                ok = False
            if not ok:
                add(
                    objective,
                    f"the objective '{objective.get('objectiveID')}' is judged by the score but its "
                    f"minNormalizedMeasure is {'missing' if measure is None else repr(measure)}",
                    hint="give the pass mark as a fraction from 0 to 1; left out, the LMS asks for a perfect score",
                )
