"""What the built zip contains: manifest, schemas, invariants, determinism, compression."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from builder.answerkey import key_seed, unseal
from builder.cli import main
from builder.problems import Problems
from builder.scorm.scorm12.manifest import ADLCP, IMSCP, check_manifest, validate_schema

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "course_src" / "self-compassion"

NS = {"cp": IMSCP, "adlcp": ADLCP}


def build_sample(runner, out, *extra, source=SAMPLE):
    result = runner.invoke(main, ["build", str(source), "-o", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    return result


def sample_zip(out):
    (path,) = out.glob("self-compassion-*-scorm12.zip")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("dist")
    build_sample(CliRunner(), out)
    return sample_zip(out)


def test_zip_is_named_after_course_id_and_version(built):
    version = re.search(r"^version:\s*(\S+)", (SAMPLE / "course.yaml").read_text(), re.M).group(1)
    assert built.name == f"self-compassion-{version}-scorm12.zip"


def test_manifest_is_the_first_entry_and_validates_against_the_official_schemas(built, schemas):
    with zipfile.ZipFile(built) as zf:
        assert zf.infolist()[0].filename == "imsmanifest.xml"
        xml = zf.read("imsmanifest.xml")
    problems = Problems()
    validate_schema(xml, schemas, problems)
    assert [p.format() for p in problems] == []


def test_manifest_invariants(built):
    with zipfile.ZipFile(built) as zf:
        names = set(zf.namelist())
        xml = zf.read("imsmanifest.xml")
    root = etree.fromstring(xml)
    assert root.findtext("cp:metadata/cp:schema", namespaces=NS) == "ADL SCORM"
    assert root.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"
    assert b'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"' in xml
    assert b'adlcp:scormtype="sco"' in xml
    orgs = root.find("cp:organizations", NS)
    assert orgs.get("default") in {o.get("identifier") for o in orgs.iterfind("cp:organization", NS)}
    resources = {r.get("identifier"): r for r in root.iterfind("cp:resources/cp:resource", NS)}
    for item in root.iter(f"{{{IMSCP}}}item"):
        assert item.get("identifierref") in resources
    (resource,) = resources.values()
    assert resource.get("href") == "index.html"
    listed = {f.get("href") for f in resource.iterfind("cp:file", NS)}
    assert listed == names - {"imsmanifest.xml"}
    # the sample course does not emit a mastery score (mastery_score_in_manifest: false)
    assert root.find(".//adlcp:masteryscore", NS) is None
    problems = Problems()
    check_manifest(xml, names, problems)
    assert list(problems) == []


def test_identifiers_come_from_the_course_id_not_the_version(runner, make_course, tmp_path):
    def ids(version):
        course = make_course(
            {
                "course.yaml": (make_course() / "course.yaml")
                .read_text()
                .replace("version: 1.0.0", f"version: {version}")
            },
            name=f"c{version}",
        )
        out = tmp_path / f"out{version}"
        build_sample(runner, out, source=course)
        with zipfile.ZipFile(out / f"tiny-{version}-scorm12.zip") as zf:
            root = etree.fromstring(zf.read("imsmanifest.xml"))
        return [
            (el.tag, el.get("identifier"), el.get("identifierref"), el.get("default"))
            for el in root.iter()
            if el.get("identifier") or el.get("default")
        ], root.get("version")

    first, v1 = ids("1.0.0")
    second, v2 = ids("1.1.0")
    assert first == second
    assert (v1, v2) == ("1.0.0", "1.1.0")
    assert ("{%s}manifest" % IMSCP, "tiny", None, None) in first


def test_mastery_score_is_emitted_only_when_chosen(runner, make_course, tmp_path):
    course = make_course(
        {
            "course.yaml": (make_course() / "course.yaml")
            .read_text()
            .replace("mastery_score_in_manifest: false", "mastery_score_in_manifest: true")
        }
    )
    build_sample(runner, tmp_path / "out", source=course)
    with zipfile.ZipFile(tmp_path / "out" / "tiny-1.0.0-scorm12.zip") as zf:
        root = etree.fromstring(zf.read("imsmanifest.xml"))
    assert root.findtext(".//cp:item/adlcp:masteryscore", namespaces=NS) == "50"


def test_two_builds_are_byte_identical(runner, tmp_path, monkeypatch):
    build_sample(runner, tmp_path / "a")
    build_sample(runner, tmp_path / "b")
    a, b = sample_zip(tmp_path / "a").read_bytes(), sample_zip(tmp_path / "b").read_bytes()
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    with zipfile.ZipFile(sample_zip(tmp_path / "a")) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_sample(runner, tmp_path / "c")
    with zipfile.ZipFile(sample_zip(tmp_path / "c")) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_compressed_media_is_stored_and_text_is_deflated(runner, make_course, tmp_path):
    course = make_course(
        {
            "lessons/two.html": '<p>Media:</p>\n<img src="../media/photo.jpg" alt="A photo">\n'
            '<video src="../media/clip.mp4" controls></video>\n<a href="../media/notes.txt">Notes</a>\n',
            "media/photo.jpg": bytes(range(256)) * 40,
            "media/clip.mp4": b"\0" * 50000,
            "media/notes.txt": "words " * 2000,
        }
    )
    build_sample(runner, tmp_path / "out", source=course)
    with zipfile.ZipFile(tmp_path / "out" / "tiny-1.0.0-scorm12.zip") as zf:
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
        page = zf.read("index.html").decode()
    assert kinds["media/photo.jpg"] == zipfile.ZIP_STORED
    assert kinds["media/clip.mp4"] == zipfile.ZIP_STORED
    assert kinds["media/notes.txt"] == zipfile.ZIP_DEFLATED
    assert kinds["index.html"] == zipfile.ZIP_DEFLATED
    assert 'src="media/photo.jpg"' in page and 'src="media/clip.mp4"' in page
    assert '<a href="media/notes.txt" target="_blank" rel="noopener noreferrer">' in page


def test_embeds_get_a_text_fallback_and_external_links_open_a_new_window(runner, make_course, tmp_path):
    course = make_course(
        {
            "lessons/two.html": '<p>See <a href="https://example.org/">the site</a>.</p>\n'
            '<iframe src="https://www.youtube-nocookie.com/embed/XYZ123" title="A talk (3 min)"></iframe>\n'
        }
    )
    build_sample(runner, tmp_path / "out", source=course)
    with zipfile.ZipFile(tmp_path / "out" / "tiny-1.0.0-scorm12.zip") as zf:
        page = zf.read("index.html").decode()
    assert '<a href="https://example.org/" target="_blank" rel="noopener noreferrer">the site</a>' in page
    fallback = re.search(r'<p class="embed-fallback"><a href="([^"]+)"[^>]*>([^<]+)</a></p>', page)
    assert fallback and fallback.group(1) == "https://www.youtube.com/watch?v=XYZ123"
    assert "A talk (3 min)" in fallback.group(2)


def test_template_output_is_escaped(runner, make_course, tmp_path):
    text = (
        (make_course() / "course.yaml")
        .read_text()
        .replace("title: Tiny course", 'title: "<script>alert(1)</script> & co"')
    )
    build_sample(runner, tmp_path / "out", source=make_course({"course.yaml": text}))
    with zipfile.ZipFile(tmp_path / "out" / "tiny-1.0.0-scorm12.zip") as zf:
        page = zf.read("index.html").decode()
        manifest = zf.read("imsmanifest.xml").decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>" in manifest
    config = re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S).group(1)
    assert json.loads(config)["course"]["title"] == "<script>alert(1)</script> & co"


def test_runtime_config_comes_from_the_course_model(built):
    with zipfile.ZipFile(built) as zf:
        page = zf.read("index.html").decode()
    config = json.loads(
        re.search(r'<script type="application/json" id="course-config">(.*?)</script>', page, re.S).group(1)
    )
    assert config["course"]["id"] == "self-compassion"
    assert config["passMark"] == 75
    assert config["status"] == {"pass": "passed", "fail": "incomplete"}
    assert len(config["quiz"]["questions"]) == 8
    # The answer key is sealed (builder/answerkey.py): never in plain text, but every answer is t or f.
    assert all("answer" not in q for q in config["quiz"]["questions"])
    assert {
        unseal(q["key"], key_seed(config["course"]["id"], config["fingerprint"], q["id"]))["k"]
        for q in config["quiz"]["questions"]
    } == {"t", "f"}
    assert config["suspendWorstCase"] <= 4096
    for lesson in config["lessons"]:
        assert f'data-lesson-id="{lesson["id"]}"' in page


def test_the_page_loads_every_packaged_script_once_and_the_player_last(built):
    """The player is split over several scripts (templates/base.html): all packaged, all loaded, player.js last."""
    with zipfile.ZipFile(built) as zf:
        names = set(zf.namelist())
        page = zf.read("index.html").decode()
    scripts = re.findall(r'<script src="([^"]+)"></script>', page)
    assert sorted(scripts) == sorted(n for n in names if n.startswith("assets/") and n.endswith(".js"))
    assert scripts[:2] == ["assets/scorm12.js", "assets/quiz.js"]
    assert scripts[-1] == "assets/player.js"
    assert {
        "assets/suspend.js",
        "assets/tracking.js",
        "assets/nav.js",
        "assets/quizview.js",
        "assets/certview.js",
        "assets/certificate.js",
    } <= set(scripts)


def test_validate_accepts_the_built_zip(runner, built, schemas):
    result = runner.invoke(main, ["validate", str(built), "--schemas", str(schemas)])
    assert result.exit_code == 0, result.stderr
    assert "manifest valid against the SCORM 1.2 schemas" in result.stderr


def test_validate_accepts_the_sample_course_folder(runner, schemas):
    result = runner.invoke(main, ["validate", str(SAMPLE), "--schemas", str(schemas)])
    assert result.exit_code == 0, result.stderr


def _rezip(src, dst, edit_manifest=None, drop=(), add=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if info.filename == "imsmanifest.xml" and edit_manifest:
                data = edit_manifest(data.decode()).encode()
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
            lambda m: m.replace("xmlns:adlcp=", "xmlns:adl=").replace("adlcp:", "adl:"),
            (),
            (),
            "the ADL namespace is bound to the prefix 'adl'",
        ),
        (
            lambda m: m.replace('default="self-compassion-org"', 'default="other"'),
            (),
            (),
            "the default organization 'other' does not exist",
        ),
        (
            lambda m: m.replace("<schemaversion>1.2</schemaversion>", "<schemaversion>1.3</schemaversion>"),
            (),
            (),
            "metadata says schema 'ADL SCORM', version '1.3'",
        ),
        (None, ("index.html",), (), '<file href="index.html"> is listed but not in the package'),
        (None, (), ("stray.txt",), "'stray.txt' is in the package but not listed in any <file> element"),
        (None, ("imsmanifest.xml",), (), "has no imsmanifest.xml at its root"),
    ],
)
def test_validate_reports_broken_packages(runner, built, tmp_path, edit, drop, add, expected):
    broken = tmp_path / "broken.zip"
    _rezip(built, broken, edit, drop, add)
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_json_summary_and_quiet(runner, tmp_path):
    result = build_sample(runner, tmp_path / "out", "--json", "--quiet")
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    (package,) = summary["packages"]
    assert package["format"] == "scorm12" and package["size"] == sample_zip(tmp_path / "out").stat().st_size
    assert result.stderr == ""


def test_summary_line_names_the_package(runner, tmp_path):
    result = build_sample(runner, tmp_path / "out")
    line = re.search(
        r"built .*self-compassion-[\d.]+-scorm12\.zip \(scorm12, \d+ files, [\d.]+ kB; "
        r"runtime ([\d.]+) kB gzipped; suspend_data at most (\d+) of 4096 characters\)",
        result.stderr,
    )
    assert line, result.stderr
    assert 1 < float(line.group(1)) < 100
    from builder.sources.course import load_course
    from builder.suspend import worst_case_length

    assert int(line.group(2)) == worst_case_length(load_course(SAMPLE)[0])
    assert re.search(r"1 package built in \d+\.\d\d s", result.stderr)


def test_python_m_builder_and_version(tmp_path):
    result = subprocess.run([sys.executable, "-m", "builder", "--version"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0
    assert re.match(r"coursepack, version \d+\.\d+\.\d+", result.stdout)
    bad = subprocess.run([sys.executable, "-m", "builder", "build"], capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "Missing argument 'SOURCES...'" in bad.stderr
