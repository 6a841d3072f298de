"""SCORM 2004 4th Edition packages (issue 13): the manifest, its invariants, validate, the budget, the page.

What the package records through its runtime adapter (templates/runtime/adapters/scorm2004.js) is tested in
Chromium against scorm-again (tests/e2e/test_journeys.py, test_quiz_types.py, test_resilience.py) and
under Node (tests/js/scorm2004.test.js).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from schema_paths import schema_dir

from builder.cli import main
from builder.formats import get
from builder.problems import Problems
from builder.scorm.scorm2004.manifest import ADLCP, ADLNAV, IMSCP, IMSSS, check_manifest, scaled_pass_mark
from builder.scorm.scorm2004.status import FIELDS

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"
NS = {"cp": IMSCP, "adlcp": ADLCP, "imsss": IMSSS, "adlnav": ADLNAV}


@pytest.fixture
def schemas2004():
    """The official SCORM 2004 4th Edition XSDs (skipped with a message when absent, except under CI=true)."""
    return schema_dir("scorm2004", "imsss_v1p0.xsd")


def sample_judged_by_the_lms(root: Path) -> Path:
    """A copy of the sample course with ``mastery_score_in_manifest: true``."""
    shutil.copytree(SAMPLE, root)
    yaml = root / "course.yaml"
    yaml.write_text(yaml.read_text().replace("mastery_score_in_manifest: false", "mastery_score_in_manifest: true"))
    return root


def build(runner, source, out, *args):
    result = runner.invoke(main, ["build", str(source), "-o", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample course built for both SCORM editions: {format: zip path}."""
    from click.testing import CliRunner

    base = tmp_path_factory.mktemp("s2004")
    build(CliRunner(), SAMPLE, base / "dist", "--format", "scorm12,scorm2004")
    return {fmt: next((base / "dist").glob(f"self-compassion-*-{fmt}.zip")) for fmt in ("scorm12", "scorm2004")}


def manifest_of(package: Path) -> bytes:
    with zipfile.ZipFile(package) as zf:
        return zf.read("imsmanifest.xml")


# ---------------------------------------------------------------------- the build
def test_the_package_is_named_for_the_format_and_its_page_loads_the_2004_adapter(built):
    assert re.fullmatch(r"self-compassion-[\d.]+-scorm2004\.zip", built["scorm2004"].name)
    with zipfile.ZipFile(built["scorm2004"]) as zf:
        names = zf.namelist()
        page = zf.read("index.html").decode()
        bundle = zf.read("assets/runtime.min.js")  # the runtime's scripts, minified in load order
    assert names[0] == "imsmanifest.xml"
    assert bundle.startswith(b"/* scorm2004.js */\n") and b"/* scorm12.js */" not in bundle
    assert '<script src="assets/runtime.min.js"></script>' in page and "scorm12.js" not in page


def page_config(package: Path) -> dict:
    """The runtime configuration in the package's index.html."""
    with zipfile.ZipFile(package) as zf:
        page = zf.read("index.html").decode()
    config = re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S)
    return json.loads(config.group(1))


def test_the_status_words_of_a_2004_page_carry_both_fields_and_1_2_keeps_its_own(built):
    def status(package):
        return page_config(package)["status"]

    assert status(built["scorm12"]) == {"pass": "passed", "fail": "incomplete"}
    assert status(built["scorm2004"]) == {
        "pass": "passed",
        "fail": "incomplete",
        "fields": {
            "passed": {"completion": "completed", "success": "passed"},
            "completed": {"completion": "completed", "success": "unknown"},
            "incomplete": {"completion": "incomplete", "success": "unknown"},
            "failed": {"completion": "incomplete", "success": "failed"},
        },
    }


@pytest.mark.parametrize(
    "rule, words",
    [
        ("passed/incomplete", ("passed", "incomplete")),
        ("passed/failed", ("passed", "failed")),
        ("completed/incomplete", ("completed", "incomplete")),
        ("completed/failed", ("completed", "failed")),
    ],
)
def test_each_status_rule_gives_its_words_and_the_fields_table(make_course, rule, words):
    from builder.sources.course import load_course

    course, _ = load_course(make_course({"course.yaml": _course_yaml(f"status_rule: {rule}\n")}))
    status = get("scorm2004").status_words(course)
    assert (status["pass"], status["fail"]) == words
    assert status["fields"] is FIELDS
    assert {FIELDS[word]["success"] for word in words} <= {"passed", "failed", "unknown"}


def test_progress_data_over_4096_but_under_64000_builds_for_2004_and_is_refused_for_1_2(runner, make_course, tmp_path):
    # 17 fill-in questions that keep up to 255 characters each: about 4,400 characters of suspend_data.
    questions = "".join(
        f"  - id: q{i}\n    type: fill-in\n    text: Question {i}?\n    answers: [spores]\n    max_length: 255\n"
        for i in range(17)
    )
    course = make_course({"quiz.yaml": "title: Long answers\nattempts: 2\nquestions:\n" + questions})
    refused = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "a"), "--format", "scorm12"])
    assert refused.exit_code == 2, refused.stderr
    worst = int(re.search(r"can reach (\d+) characters", refused.stderr).group(1))
    assert 4096 < worst < 64000
    assert f"this course's progress data can reach {worst} characters, more than the 4096 SCORM 1.2 allows in " in (
        refused.stderr
    )
    assert not (tmp_path / "a").exists()
    built2004 = build(runner, course, tmp_path / "b", "--format", "scorm2004")
    assert f"suspend_data at most {worst} of 64000 characters" in built2004.stderr
    assert (tmp_path / "b" / "tiny-1.0.0-scorm2004.zip").is_file()


def test_a_number_a_2004_lms_cannot_store_is_refused_for_2004_only(runner, make_course, tmp_path):
    quiz = "title: Big\nquestions:\n  - id: q_big\n    type: numeric\n    text: How many?\n    answer: 12345678901\n"
    course = make_course({"quiz.yaml": quiz})
    result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "out"), "--format", "scorm2004"])
    assert result.exit_code == 2
    assert (
        "question 'q_big' cannot be reported exactly in a SCORM 2004 4th Edition package: 12345678901 does not fit "
        "the real(10,7) numbers SCORM 2004 LMSs store"
    ) in result.stderr
    build(runner, course, tmp_path / "out", "--format", "scorm12")


# ---------------------------------------------------------------------- the manifest
def test_the_manifest_validates_against_the_official_4th_edition_schemas(built, schemas2004, runner):
    from builder.scorm.scorm2004.manifest import validate_schema

    problems = Problems()
    validate_schema(manifest_of(built["scorm2004"]), schemas2004, problems)
    assert [p.format() for p in problems] == []
    # --schemas also takes the folder that holds scorm12/ and scorm2004/ (a copy of shared/schemas).
    result = runner.invoke(main, ["validate", str(built["scorm2004"]), "--schemas", str(schemas2004.parent)])
    assert result.exit_code == 0, result.stderr
    assert "(SCORM 2004 4th Edition package, 10 files; manifest valid against the SCORM 2004 4th Edition schemas)" in (
        result.stderr
    )


def test_the_manifest_says_what_docs_scorm2004_md_promises(built):
    xml = manifest_of(built["scorm2004"])
    root = etree.fromstring(xml)
    for prefix in ("adlcp", "adlseq", "adlnav", "imsss"):
        assert f'xmlns:{prefix}="http://www.'.encode() in xml  # the literal prefixes Moodle matches
    assert root.findtext("cp:metadata/cp:schema", namespaces=NS) == "ADL SCORM"
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "2004 4th Edition"
    (org,) = root.iterfind("cp:organizations/cp:organization", NS)
    assert root.find("cp:organizations", NS).get("default") == org.get("identifier") == "self-compassion-org"
    (item,) = org.iterfind("cp:item", NS)
    assert (item.get("identifier"), item.get("identifierref")) == ("self-compassion-sco", "self-compassion-res")
    control = org.find("imsss:sequencing/imsss:controlMode", NS)
    assert dict(control.attrib) == {"choice": "true", "flow": "true"}
    delivery = item.find("imsss:sequencing/imsss:deliveryControls", NS)
    assert dict(delivery.attrib) == {"completionSetByContent": "true", "objectiveSetByContent": "true"}
    assert item.find("imsss:sequencing/imsss:objectives", NS) is None  # mastery_score_in_manifest: false
    hidden = [el.text for el in item.iterfind("adlnav:presentation/adlnav:navigationInterface/adlnav:hideLMSUI", NS)]
    assert hidden == ["previous", "continue"]
    sequencing_elements = {el.tag.split("}")[1] for el in root.iter(f"{{{IMSSS}}}*")}
    assert sequencing_elements == {"sequencing", "controlMode", "deliveryControls"}
    (resource,) = root.iterfind("cp:resources/cp:resource", NS)
    assert resource.get(f"{{{ADLCP}}}scormType") == "sco" and resource.get("href") == "index.html"
    with zipfile.ZipFile(built["scorm2004"]) as zf:
        names = set(zf.namelist())
    assert {f.get("href") for f in resource.iterfind("cp:file", NS)} == names - {"imsmanifest.xml"}
    problems = Problems()
    check_manifest(xml, names, problems)
    assert list(problems) == []


def test_identifiers_are_the_ones_of_the_1_2_manifest(built):
    def identifiers(xml):
        return [el.get("identifier") for el in etree.fromstring(xml).iter() if el.get("identifier")]

    assert identifiers(manifest_of(built["scorm2004"])) == identifiers(manifest_of(built["scorm12"]))


def test_the_lms_judges_success_only_when_the_course_asks_for_it(runner, tmp_path, schemas2004):
    from builder.scorm.scorm2004.manifest import validate_schema

    source = sample_judged_by_the_lms(tmp_path / "course")
    build(runner, source, tmp_path / "dist", "--format", "scorm2004")
    package = next((tmp_path / "dist").glob("*-scorm2004.zip"))
    xml = manifest_of(package)
    objective = etree.fromstring(xml).find(".//imsss:objectives/imsss:primaryObjective", NS)
    assert dict(objective.attrib) == {"objectiveID": "self-compassion-quiz", "satisfiedByMeasure": "true"}
    # The page names the same objective, whose status and score the adapter keeps equal to the SCO's.
    assert page_config(package)["status"]["objective"] == "self-compassion-quiz"
    assert objective.findtext("imsss:minNormalizedMeasure", namespaces=NS) == "0.75"  # pass_mark: 75
    problems = Problems()
    validate_schema(xml, schemas2004, problems)
    assert [p.format() for p in problems] == []


@pytest.mark.parametrize(
    "pass_mark, scaled", [(75, "0.75"), (72.5, "0.725"), (100, "1"), (0, "0"), (33.33, "0.3333"), (5, "0.05")]
)
def test_the_pass_mark_becomes_an_exact_fraction_of_one(pass_mark, scaled):
    assert scaled_pass_mark(pass_mark) == scaled


def test_each_edition_claims_only_its_own_manifest(built):
    for fmt, package in built.items():
        with zipfile.ZipFile(package) as zf:
            names = set(zf.namelist())
            claimed = [name for name in ("scorm12", "scorm2004") if get(name).claims(names, zf.read)]
        assert claimed == [fmt]


# ---------------------------------------------------------------------- validate on broken zips
def _rezip(src: Path, dst: Path, edit=None, drop=(), add=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if info.filename == "imsmanifest.xml" and edit:
                data = edit(data.decode()).encode()
            zout.writestr(info, data)
        for name in add:
            zout.writestr(name, "extra")


@pytest.mark.parametrize(
    "edit, drop, add, expected",
    [
        (
            lambda m: m.replace('identifierref="self-compassion-res"', 'identifierref="nowhere"'),
            (),
            (),
            "item 'self-compassion-sco' points to resource 'nowhere', which does not exist",
        ),
        (
            lambda m: m.replace('default="self-compassion-org"', 'default="other"'),
            (),
            (),
            "the default organization 'other' does not exist",
        ),
        (None, ("index.html",), (), "resource 'self-compassion-res' launches 'index.html', which is not in the"),
        (None, (), ("stray.txt",), "'stray.txt' is in the package but not listed in any <file> element"),
        (
            lambda m: m.replace('identifier="self-compassion-res"', 'identifier="self-compassion-sco"').replace(
                'identifierref="self-compassion-res"', 'identifierref="self-compassion-sco"'
            ),
            (),
            (),
            "identifier 'self-compassion-sco' is used twice",
        ),
        (lambda m: m.replace("</manifest>", ""), (), (), "error: is not well-formed XML: "),
        (
            lambda m: m.replace('"self-compassion-org"', '"1-org"'),
            (),
            (),
            "identifier '1-org' is not an XML name",
        ),
        (
            lambda m: m.replace(
                "<title>Self-Compassion for Clinicians</title>\n        <imsss", "<title> </title><imsss"
            ),
            (),
            (),
            "item 'self-compassion-sco' has no title",
        ),
        (
            lambda m: m.replace('adlcp:scormType="sco"', 'adlcp:scormType="asset"'),
            (),
            (),
            "the package has no SCO, so nothing reports to the LMS",
        ),
        (
            lambda m: m.replace("2004 4th Edition", "2004 3rd Edition"),
            (),
            (),
            "metadata says schema 'ADL SCORM', version '2004 3rd Edition'; SCORM 2004 4th Edition needs "
            "'ADL SCORM' and '2004 4th Edition'",
        ),
        (
            lambda m: m.replace("xmlns:imsss=", "xmlns:ss=").replace("imsss:", "ss:"),
            (),
            (),
            "the IMS Simple Sequencing namespace is bound to the prefix 'ss'",
        ),
        (  # the lower-case 1.2 spelling: the schema lets an unknown attribute through, Moodle sees an asset
            lambda m: m.replace("adlcp:scormType", "adlcp:scormtype"),
            (),
            (),
            "resource 'self-compassion-res' has no adlcp:scormType 'sco' or 'asset'",
        ),
        (
            lambda m: m.replace('<imsss:controlMode choice="true" flow="true"/>', '<imsss:controlMode choice="true"/>'),
            (),
            (),
            "organization 'self-compassion-org' does not let the LMS start its SCO",
        ),
        (
            lambda m: m.replace(' objectiveSetByContent="true"', ""),
            (),
            (),
            "item 'self-compassion-sco' lets the LMS decide completion and success",
        ),
        (
            lambda m: m.replace(
                "<imsss:deliveryControls ",
                '<imsss:objectives><imsss:primaryObjective objectiveID="x" satisfiedByMeasure="true"/>'
                "</imsss:objectives><imsss:deliveryControls ",
            ),
            (),
            (),
            "the objective 'x' is judged by the score but its minNormalizedMeasure is missing",
        ),
        (
            lambda m: m.replace(
                "<imsss:deliveryControls ",
                '<imsss:objectives><imsss:primaryObjective objectiveID="x" satisfiedByMeasure="true">'
                "<imsss:minNormalizedMeasure>75</imsss:minNormalizedMeasure></imsss:primaryObjective>"
                "</imsss:objectives><imsss:deliveryControls ",
            ),
            (),
            (),
            "the objective 'x' is judged by the score but its minNormalizedMeasure is '75'",
        ),
    ],
)
def test_validate_reports_what_a_schema_cannot_see(runner, built, tmp_path, edit, drop, add, expected):
    broken = tmp_path / "broken.zip"
    _rezip(built["scorm2004"], broken, edit, drop, add)
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 2, result.stderr
    assert expected in result.stderr
    assert "SCORM 1.2" not in result.stderr.replace(expected, "")  # judged as the 2004 package it is
    assert "Traceback" not in result.stderr


def test_validate_with_schemas_reports_what_only_the_schema_sees(runner, built, tmp_path, schemas2004):
    broken = tmp_path / "broken.zip"
    _rezip(built["scorm2004"], broken, lambda m: m.replace(">continue</", ">forward</"))
    assert runner.invoke(main, ["validate", str(broken)]).exit_code == 0  # no invariant covers the vocabulary
    result = runner.invoke(main, ["validate", str(broken), "--schemas", str(schemas2004)])
    assert result.exit_code == 2
    assert "does not match the SCORM 2004 4th Edition schema: " in result.stderr and "'forward'" in result.stderr


def test_schemas_of_the_wrong_edition_are_named(runner, built):
    scorm12 = schema_dir("scorm12", "adlcp_rootv1p2.xsd")
    result = runner.invoke(main, ["validate", str(built["scorm2004"]), "--schemas", str(scorm12)])
    assert result.exit_code == 2
    assert "does not hold the SCORM 2004 4th Edition schemas (imscp_v1p1.xsd" in result.stderr


def _course_yaml(extra: str) -> str:
    from conftest import COURSE_YAML

    return COURSE_YAML + extra
