"""``--format cmi5``: cmi5.xml as built (ids, moveOn, masteryScore, schema) and ``validate`` of cmi5 zips.

Until the cmi5 runtime adapter exists (issue 14, phase 2) the build refuses the format; these
tests give their course its own ``templates/static/cmi5.js``, the override a course may use, so
the package can be built and checked. The official schema is read from ``../shared/schemas/cmi5``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import COURSE_YAML
from lxml import etree
from schema_paths import schema_dir, schemas_root

from builder.cli import main

BASE_IRI = "https://ce.example.org/xapi"
XAPI = f"xapi:\n  base_iri: {BASE_IRI}\n"
NS = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
ADAPTER = {"templates/static/cmi5.js": "/* the course's own cmi5 adapter (a stand-in) */\n"}


@pytest.fixture
def cmi5_schemas():
    return schema_dir("cmi5", "CourseStructure.xsd")


def course_yaml(**settings) -> str:
    """The tiny course's course.yaml with an xapi block and *settings* (None removes a key)."""
    text = COURSE_YAML + XAPI
    for key, value in settings.items():
        text = re.sub(rf"^{key}:.*\n", "", text, flags=re.M)
        if value is not None:
            text += f"{key}: {value}\n"
    return text


def build(runner, make_course, tmp_path, files=None, *args, name="course"):
    course = make_course({"course.yaml": course_yaml(), **ADAPTER, **(files or {})}, name=name)
    out = tmp_path / f"out-{name}"
    result = runner.invoke(main, ["build", str(course), "-o", str(out), "--format", "cmi5", *args])
    return result, out


def structure(package: Path) -> etree._Element:
    with zipfile.ZipFile(package) as zf:
        return etree.fromstring(zf.read("cmi5.xml"))


# ---------------------------------------------------------------------- refusals
def test_the_build_refuses_cmi5_while_the_adapter_is_missing(runner, make_course, tmp_path):
    course = make_course({"course.yaml": course_yaml()})
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(course), "-o", str(out), "--format", "scorm12,cmi5"])
    assert result.exit_code == 2
    assert (
        "'--format cmi5' cannot build yet: this coursepack has no runtime adapter for the cmi5 package "
        "(templates/runtime/adapters/cmi5.js), so the package could not report to the LMS"
    ) in result.stderr
    assert "hint: choose another --format for now: scorm12, scorm2004, xapi" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()  # not even the SCORM package


def test_cmi5_needs_the_xapi_block_and_never_takes_a_baked_in_key(runner, make_course, tmp_path):
    course = make_course({"course.yaml": COURSE_YAML, **ADAPTER})
    result = runner.invoke(main, ["build", str(course), "-o", str(tmp_path / "a"), "--format", "cmi5"])
    assert result.exit_code == 2
    assert "'--format cmi5' needs the course's xAPI settings" in result.stderr
    course = make_course({"course.yaml": course_yaml(), **ADAPTER}, name="keyed")
    result = runner.invoke(
        main,
        [
            "build",
            str(course),
            "-o",
            str(tmp_path / "b"),
            "--format",
            "cmi5",
            "--xapi-embed-endpoint",
            "https://lrs.example.org/xAPI/",
        ],
        env={"COURSEPACK_XAPI_KEY": "writer:s3cret"},
    )
    assert result.exit_code == 2
    assert "a cmi5 package gets its LRS key from the LMS at each launch" in result.stderr
    assert "s3cret" not in result.output
    assert not (tmp_path / "b").exists()


def test_a_pass_mark_with_more_decimals_than_a_mastery_score_holds_is_refused(runner, make_course, tmp_path):
    result, _ = build(runner, make_course, tmp_path, {"course.yaml": course_yaml(pass_mark="66.666")})
    assert result.exit_code == 2
    assert "pass_mark 66.666 has more decimals than a cmi5 masteryScore can hold" in result.stderr
    assert "hint: give pass_mark at most 2 decimals" in result.stderr


# ---------------------------------------------------------------------- the package
def test_the_cmi5_package_and_its_course_structure(runner, make_course, tmp_path, cmi5_schemas):
    result, out = build(runner, make_course, tmp_path, None, "--schemas", str(schemas_root()))
    assert result.exit_code == 0, result.output
    package = out / "tiny-1.0.0-cmi5.zip"
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        data = zf.read("cmi5.xml")
    assert names[0] == "cmi5.xml"
    assert {"index.html", "assets/cmi5.js", "assets/player.js"} <= set(names)
    assert "assets/scorm12.js" not in names and "imsmanifest.xml" not in names
    etree.XMLSchema(etree.parse(str(cmi5_schemas / "CourseStructure.xsd"))).assertValid(etree.fromstring(data))
    root = etree.fromstring(data)
    course = root.find("c:course", NS)
    assert course.get("id") == f"{BASE_IRI}/course/tiny"
    assert course.findtext("c:title/c:langstring", namespaces=NS) == "Tiny course"
    assert course.find("c:title/c:langstring", NS).get("lang") == "en"
    (au,) = root.findall("c:au", NS)
    assert au.get("id") == f"{BASE_IRI}/course/tiny/au"
    assert au.findtext("c:url", namespaces=NS) == "index.html"
    assert (au.get("moveOn"), au.get("masteryScore"), au.get("launchMethod")) == (
        "CompletedAndPassed",
        "0.5",
        "AnyWindow",
    )
    assert au.findtext("c:description/c:langstring", namespaces=NS) == "Tiny course"  # no description: the title
    checked = runner.invoke(main, ["validate", str(package), "--schemas", str(cmi5_schemas)])
    assert checked.exit_code == 0, checked.output
    assert "(cmi5 package, " in checked.stderr
    assert "cmi5.xml valid against the cmi5 course structure schema" in checked.stderr


@pytest.mark.parametrize("example", ["self-compassion", "quiz-showcase"])
def test_both_example_courses_build_cmi5_packages_that_validate(runner, tmp_path, cmi5_schemas, example):
    source = tmp_path / example
    shutil.copytree(Path(__file__).resolve().parents[2] / "course_src" / example, source)
    with open(source / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write("\n" + XAPI)
    for rel, text in ADAPTER.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    built = runner.invoke(
        main, ["build", str(source), "-o", str(out), "--format", "cmi5", "--schemas", str(cmi5_schemas)]
    )
    assert built.exit_code == 0, built.output
    (package,) = out.glob("*-cmi5.zip")
    checked = validate(runner, package, "--schemas", str(cmi5_schemas))
    assert checked.exit_code == 0, checked.output
    assert "cmi5.xml valid against the cmi5 course structure schema" in checked.stderr
    (au,) = structure(package).findall("c:au", NS)
    assert au.get("id") == f"{BASE_IRI}/course/{example}/au" and au.get("moveOn") == "CompletedAndPassed"


@pytest.mark.parametrize(
    "completion, status_rule, move_on",
    [
        ("lessons", "passed/incomplete", "Completed"),
        ("quiz", "passed/incomplete", "CompletedAndPassed"),
        ("both", "passed/failed", "CompletedAndPassed"),
        ("lessons", "completed/incomplete", "Completed"),
        ("quiz", "completed/failed", "Completed"),
        ("both", "completed/incomplete", "Completed"),
    ],
)
def test_move_on_follows_the_completion_and_status_rules(
    runner, make_course, tmp_path, completion, status_rule, move_on
):
    files = {"course.yaml": course_yaml(completion=completion, status_rule=status_rule)}
    result, out = build(runner, make_course, tmp_path, files)
    assert result.exit_code == 0, result.output
    (au,) = structure(out / "tiny-1.0.0-cmi5.zip").findall("c:au", NS)
    assert au.get("moveOn") == move_on


@pytest.mark.parametrize(
    "pass_mark, mastery", [("75", "0.75"), ("100", "1"), ("0", "0"), ("66.67", "0.6667"), ("8.5", "0.085")]
)
def test_mastery_score_is_the_pass_mark_scaled(runner, make_course, tmp_path, pass_mark, mastery):
    result, out = build(runner, make_course, tmp_path, {"course.yaml": course_yaml(pass_mark=pass_mark)})
    assert result.exit_code == 0, result.output
    (au,) = structure(out / "tiny-1.0.0-cmi5.zip").findall("c:au", NS)
    assert au.get("masteryScore") == mastery


def test_a_course_without_a_quiz_has_no_mastery_score_and_completes(runner, make_course, tmp_path):
    files = {"course.yaml": course_yaml(quiz=None), "quiz.yaml": None}
    result, out = build(runner, make_course, tmp_path, files)
    assert result.exit_code == 0, result.output
    (au,) = structure(out / "tiny-1.0.0-cmi5.zip").findall("c:au", NS)
    assert au.get("masteryScore") is None and au.get("moveOn") == "Completed"


def test_ids_are_the_same_for_every_version(runner, make_course, tmp_path):
    first, out1 = build(runner, make_course, tmp_path, None, name="v1")
    second, out2 = build(runner, make_course, tmp_path, {"course.yaml": course_yaml(version="2.0.0")}, name="v2")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output

    def ids(package):
        return [el.get("id") for el in structure(package).iter("{*}course", "{*}au")]

    assert (
        ids(out1 / "tiny-1.0.0-cmi5.zip")
        == ids(out2 / "tiny-2.0.0-cmi5.zip")
        == [
            f"{BASE_IRI}/course/tiny",
            f"{BASE_IRI}/course/tiny/au",
        ]
    )


def test_title_and_description_are_in_the_course_language(runner, make_course, tmp_path):
    files = {"course.yaml": course_yaml(language="es", title='"Curso <breve> & claro"', description="Una descripción.")}
    result, out = build(runner, make_course, tmp_path, files)
    assert result.exit_code == 0, result.output
    root = structure(out / "tiny-1.0.0-cmi5.zip")
    for path in ("c:course/c:title/c:langstring", "c:au/c:title/c:langstring"):
        assert root.find(path, NS).get("lang") == "es" and root.find(path, NS).text == "Curso <breve> & claro"
    assert root.findtext("c:au/c:description/c:langstring", namespaces=NS) == "Una descripción."


# ---------------------------------------------------------------------- validate a cmi5 zip
@pytest.fixture
def package(runner, make_course, tmp_path) -> Path:
    result, out = build(runner, make_course, tmp_path)
    assert result.exit_code == 0, result.output
    return out / "tiny-1.0.0-cmi5.zip"


def repack(package: Path, tmp_path: Path, edit=lambda xml: xml, drop=()) -> Path:
    """A copy of *package* whose cmi5.xml went through *edit* (text to text), without the entries in *drop*."""
    target = tmp_path / "edited.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info)
            if info.filename == "cmi5.xml":
                data = edit(data.decode()).encode()
            dst.writestr(info, data)
    return target


def validate(runner, path: Path, *args):
    return runner.invoke(main, ["validate", str(path), *args])


AU = f'id="{BASE_IRI}/course/tiny/au"'
COURSE = f'id="{BASE_IRI}/course/tiny"'


@pytest.mark.parametrize(
    "edit, drop, message",
    [
        (
            lambda x: x,
            ("index.html",),
            f"AU '{BASE_IRI}/course/tiny/au' launches 'index.html', which is not in the package",
        ),
        (lambda x: x.replace(">index.html<", ">start.html<"), (), "launches 'start.html', which is not in the package"),
        (lambda x: x.replace(COURSE, 'id="course/tiny"'), (), "<course> id 'course/tiny' is not an absolute IRI"),
        (lambda x: x.replace(AU, 'id="tiny au"'), (), "<au> id 'tiny au' is not an absolute IRI"),
        (lambda x: x.replace(AU, COURSE), (), f"id '{BASE_IRI}/course/tiny' is used twice (first on line 3)"),
        (
            lambda x: x.replace('masteryScore="0.5"', 'masteryScore="1.5"'),
            (),
            "has masteryScore '1.5'; it must be a decimal from 0 to 1",
        ),
        (lambda x: x.replace('masteryScore="0.5"', 'masteryScore="0.12345"'), (), "has masteryScore '0.12345'"),
        (
            lambda x: x.replace('moveOn="CompletedAndPassed"', 'moveOn="Sometimes"'),
            (),
            "has moveOn 'Sometimes'; use one of NotApplicable, Passed",
        ),
        (
            lambda x: x.replace('launchMethod="AnyWindow"', 'launchMethod="NewTab"'),
            (),
            "has launchMethod 'NewTab'; use AnyWindow or OwnWindow",
        ),
        (lambda x: x.replace("<courseStructure", "<courseStructure><oops>"), (), "is not well-formed XML"),
        (
            lambda x: x.replace("cmi5/v1/CourseStructure.xsd", "cmi5/v0"),
            (),
            "the root element must be <courseStructure",
        ),
        (lambda x: re.sub(r"<au .*</au>", "", x, flags=re.S), (), "has no <au>, so an LMS has nothing to launch"),
        (
            lambda x: re.sub(r"(<au [^>]*>\s*)<title>.*?</title>", r"\1<title/>", x, flags=re.S),
            (),
            "has no <title> text",
        ),
    ],
)
def test_validate_names_each_broken_invariant(runner, package, tmp_path, edit, drop, message):
    result = validate(runner, repack(package, tmp_path, edit, drop))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "edited.zip!cmi5.xml" in result.stderr
    assert "Traceback" not in result.output


def test_an_au_outside_the_zip_needs_a_full_url(runner, package, tmp_path):
    remote = repack(package, tmp_path, lambda x: x.replace(">index.html<", ">https://cdn.example.org/tiny/index.html<"))
    assert validate(runner, remote).exit_code == 0  # 14.1: media outside the zip use fully qualified URLs
    broken = repack(package, tmp_path, lambda x: x.replace(">index.html<", ">https:/index.html<"))
    result = validate(runner, broken)
    assert result.exit_code == 2
    assert "launches 'https:/index.html', which is neither a full URL nor a path in the package" in result.stderr


def test_validate_reports_every_problem_at_once(runner, package, tmp_path):
    def edit(xml):
        xml = xml.replace(AU, 'id="au"').replace('moveOn="CompletedAndPassed"', 'moveOn="Always"')
        return xml.replace('masteryScore="0.5"', 'masteryScore="-1"').replace(">index.html<", ">gone.html<")

    result = validate(runner, repack(package, tmp_path, edit))
    assert result.exit_code == 2
    for message in (
        "<au> id 'au' is not an absolute IRI",
        "moveOn 'Always'",
        "masteryScore '-1'",
        "launches 'gone.html'",
    ):
        assert message in result.stderr
    assert "4 problems found" in result.stderr


def test_an_objective_reference_must_name_an_objective(runner, package, tmp_path):
    def edit(xml):
        return xml.replace("<url>", '<objectives><objective idref="https://ce.example.org/obj/1"/></objectives><url>')

    result = validate(runner, repack(package, tmp_path, edit))
    assert result.exit_code == 2
    assert "objective reference 'https://ce.example.org/obj/1' names no objective" in result.stderr


def test_a_course_satisfied_on_enrolment_is_a_warning(runner, package, tmp_path):
    edited = repack(package, tmp_path, lambda x: x.replace('moveOn="CompletedAndPassed"', 'moveOn="NotApplicable"'))
    result = validate(runner, edited)
    assert result.exit_code == 0, result.output
    assert "warning: every AU has moveOn NotApplicable" in result.stderr
    assert validate(runner, edited, "--strict").exit_code == 2


def test_validate_with_the_schema_reports_schema_errors(runner, package, tmp_path, cmi5_schemas):
    edited = repack(package, tmp_path, lambda x: x.replace("<url>", "<launchMethod/><url>"))
    result = validate(runner, edited, "--schemas", str(cmi5_schemas))
    assert result.exit_code == 2
    assert "does not match the cmi5 course structure schema" in result.stderr
    assert validate(runner, edited).exit_code == 0  # without the schema, coursepack's own checks pass


def test_validate_says_when_the_schema_folder_has_no_cmi5_schema(runner, package, tmp_path):
    result = validate(runner, package, "--schemas", str(tmp_path))
    assert result.exit_code == 2
    assert "does not hold the cmi5 schema (CourseStructure.xsd is missing)" in result.stderr


def test_the_preview_shows_one_package(runner, make_course):
    result = runner.invoke(main, ["preview", str(make_course()), "--format", "scorm12,cmi5"])
    assert result.exit_code == 2
    assert "preview one format at a time, not 2 (scorm12, cmi5)" in result.stderr
    assert "cmi5" in runner.invoke(main, ["preview", "--help"]).output
