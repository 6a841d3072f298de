"""What both SCORM editions share: an IMS content package with one SCO, and the checks its manifest needs.

SCORM 1.2 (IMS CP 1.1.2) and SCORM 2004 (IMS CP 1.1.4 with ADL's extensions) describe a package
the same way: organizations whose items point at resources, resources that list their files. The
names differ (:class:`Edition`); the rules do not. This module holds the rules once: the
identifiers derived from the course id, Moodle's literal-prefix rule, and everything that ties the
manifest to the zip's file list. Each edition's ``manifest.py`` adds only its own rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, NamedTuple, Optional, Tuple

from lxml import etree

from builder.model import Course
from builder.problems import Problems

MANIFEST_NAME = "imsmanifest.xml"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


class Prefix(NamedTuple):
    """A namespace Moodle finds only under its literal prefix (moodle-scorm.md, "Prefix quirk")."""

    prefix: str
    name: str  #: what the namespace is, for messages
    otherwise: str  #: what Moodle does when the prefix differs


class Edition(NamedTuple):
    """The names that differ between the SCORM editions' manifests."""

    label: str  #: "SCORM 1.2"
    cp_label: str  #: the IMS CP version whose <manifest> is the root
    imscp: str  #: the IMS CP namespace
    adlcp: str  #: the ADL CP namespace
    schemaversion: str  #: what <metadata><schemaversion> says
    scormtype: str  #: the local name of the resource's adlcp attribute
    prefixes: Dict[str, Prefix]  #: namespace -> the literal prefix it needs


SCORM12 = Edition(
    label="SCORM 1.2",
    cp_label="IMS CP 1.1.2",
    imscp="http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2",
    schemaversion="1.2",
    scormtype="scormtype",
    prefixes={
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": Prefix(
            "adlcp", "the ADL namespace", "otherwise treats SCOs as assets"
        ),
    },
)

SCORM2004 = Edition(
    label="SCORM 2004 4th Edition",
    cp_label="IMS CP 1.1.4",
    imscp="http://www.imsglobal.org/xsd/imscp_v1p1",
    adlcp="http://www.adlnet.org/xsd/adlcp_v1p3",
    schemaversion="2004 4th Edition",
    scormtype="scormType",
    prefixes={
        "http://www.adlnet.org/xsd/adlcp_v1p3": Prefix(
            "adlcp", "the ADL CP namespace", "otherwise treats SCOs as assets"
        ),
        "http://www.adlnet.org/xsd/adlseq_v1p3": Prefix(
            "adlseq", "the ADL sequencing namespace", "otherwise ignores what it says"
        ),
        "http://www.adlnet.org/xsd/adlnav_v1p3": Prefix(
            "adlnav", "the ADL navigation namespace", "otherwise shows the navigation buttons it hides"
        ),
        "http://www.imsglobal.org/xsd/imsss": Prefix(
            "imsss", "the IMS Simple Sequencing namespace", "otherwise ignores the sequencing"
        ),
    },
)

EDITIONS = (SCORM12, SCORM2004)


def edition_of(data: bytes) -> Optional[Edition]:
    """The edition whose IMS CP namespace the manifest's root element is in (None: neither, or not XML)."""
    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return None
    return next((e for e in EDITIONS if root.tag == f"{{{e.imscp}}}manifest"), None)


def identifiers(course: Course) -> Tuple[str, str, str, str]:
    """Manifest, organization, item and resource identifiers, derived from the course id only.

    They never include the version: an LMS keys learner records on them, and a new version of
    the course must replace the old one without orphaning those records.
    """
    base = course.id
    return base, f"{base}-org", f"{base}-sco", f"{base}-res"


def named_identifiers(course: Course, launch: str) -> Dict[str, str]:
    """The manifest's identifiers by name, and the launch file (a format's ``identifiers``)."""
    manifest, organization, item, resource = identifiers(course)
    return {"manifest": manifest, "organization": organization, "item": item, "resource": resource, "launch": launch}


def add_element(parent, namespace: str, tag: str, text: Optional[str] = None, **attrib: str):
    """A new element *tag* of *namespace* (with *text* and *attrib*) at the end of *parent*."""
    el = etree.SubElement(parent, f"{{{namespace}}}{tag}", **attrib)
    el.text = text
    return el


def schema_folder(schemas: Path, subfolder: str, marker: str) -> Path:
    """The folder with an edition's XSDs: *schemas* itself, or its *subfolder* (as in a copy of shared/schemas)."""
    nested = Path(schemas) / subfolder
    if not (Path(schemas) / marker).is_file() and (nested / marker).is_file():
        return nested
    return Path(schemas)


def check_package(xml: bytes, zip_names: Iterable[str], edition: Edition, problems: Problems, shown: str):
    """The rules of a content package that no schema checks, on the manifest bytes and the zip's file list.

    :return: the parsed root element for the edition's own rules, or None when the manifest is not
        a manifest of *edition* at all (the reason is in *problems*).
    """
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
        return None
    ns = {"cp": edition.imscp}

    def add(el, message, hint=None):
        problems.add(shown, message, getattr(el, "sourceline", None), hint=hint)

    if root.tag != f"{{{edition.imscp}}}manifest":
        add(root, f"the root element is {root.tag}, not the {edition.cp_label} <manifest>")
        return None
    _check_prefixes(root, edition, add)
    schema = root.findtext("cp:metadata/cp:schema", namespaces=ns)
    version = root.findtext("cp:metadata/cp:schemaversion", namespaces=ns)
    if schema != "ADL SCORM" or version != edition.schemaversion:
        add(
            root,
            f"metadata says schema '{schema}', version '{version}'; "
            f"{edition.label} needs 'ADL SCORM' and '{edition.schemaversion}'",
        )
    seen = set()
    for el in root.iter(f"{{{edition.imscp}}}*"):
        ident = el.get("identifier")
        if ident is not None and not NCNAME.match(ident):
            add(el, f"identifier '{ident}' is not an XML name (start with a letter; letters, digits, '.', '-', '_')")
        elif ident is not None and ident in seen:
            add(el, f"identifier '{ident}' is used twice", hint="identifiers are unique in a manifest")
        seen.add(ident)
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
    for item in root.iter(f"{{{edition.imscp}}}item"):
        if not (item.findtext("cp:title", namespaces=ns) or "").strip():
            add(item, f"item '{item.get('identifier')}' has no title")
        ref = item.get("identifierref")
        if ref is not None and ref not in resources:
            add(item, f"item '{item.get('identifier')}' points to resource '{ref}', which does not exist")
    _check_resources(root, resources, names, edition, ns, add)
    return root


def _check_prefixes(root, edition: Edition, add) -> None:
    """Moodle matches element names with their literal prefix: each namespace needs its own prefix."""
    reported = set()
    for el in root.iter():
        for prefix, uri in (el.nsmap or {}).items():  # in-scope bindings: report each wrong one once
            wanted = edition.prefixes.get(uri)
            if wanted is not None and prefix != wanted.prefix and (prefix, uri) not in reported:
                reported.add((prefix, uri))
                add(
                    el,
                    f"{wanted.name} is bound to the prefix '{prefix}'",
                    hint=f"bind it to '{wanted.prefix}': Moodle matches the literal prefix and {wanted.otherwise}",
                )


def _check_resources(root, resources: Dict[str, object], names: set, edition: Edition, ns, add) -> None:
    """Every resource is a SCO or an asset whose files are in the zip, and every file of the zip is listed."""
    listed = set()
    scos = 0
    for rid, res in resources.items():
        scormtype = res.get(f"{{{edition.adlcp}}}{edition.scormtype}")
        if scormtype not in ("sco", "asset"):
            add(
                res,
                f"resource '{rid}' has no adlcp:{edition.scormtype} 'sco' or 'asset'",
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
