"""Screenshots of the player for the docs (docs/screenshots/), made with Playwright and Debian's Chromium.

Builds the two example courses with the coursepack of ``--source`` (a checkout; this one by default),
serves them beside a page that gives them the preview's SCORM 1.2 LMS (builder/preview/static/lms.js),
plays them as a learner and saves what the learner sees at 1280 x 800 and 375 x 812: the first screen,
a lesson, the quiz, the results of a failed attempt, the certificate, and a sequencing question.

    python scripts/screenshots.py --out docs/screenshots/after
    mkdir /tmp/before && git archive 02b61f7 | tar -x -C /tmp/before
    python scripts/screenshots.py --source /tmp/before --out docs/screenshots/before

Not a test: it asserts nothing, and works with players from before and after the start page and the
one-question-at-a-time quiz (it presses Start and "Next question" only when they are there).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

from playwright.sync_api import Frame, Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from builder.answerkey import key_seed, unseal  # noqa: E402  (this checkout's: the algorithm is the same)

COURSES = {"sample": "course_src/self-compassion", "showcase": "course_src/quiz-showcase"}
SIZES = {"1280": {"width": 1280, "height": 800}, "375": {"width": 375, "height": 812}}
HOST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title>
<style>html, body { margin: 0; height: 100%; } iframe { display: block; width: 100%; height: 100%; border: 0; }</style>
</head><body><script src="lms.js"></script><script>
  const session = CoursepackPreviewLMS.createSession({ learner: { id: 'jdoe', name: 'Doe, Jane' }, strict: false });
  window.API = session.api;
  const frame = document.createElement('iframe');
  frame.name = 'course';
  frame.title = 'Course';
  frame.src = new URLSearchParams(location.search).get('pkg') + '/index.html';
  document.body.append(frame);
</script></body></html>
"""


def build(source: Path, site: Path) -> None:
    """Build each example course with the coursepack of *source* and unpack it into *site*/<name>."""
    env = {**os.environ, "PYTHONPATH": str(source), "SOURCE_DATE_EPOCH": "315532800"}
    for name, course in COURSES.items():
        out = site / f"{name}-zip"
        subprocess.run(
            [sys.executable, "-m", "builder", "build", str(source / course), "-o", str(out)],
            cwd=source,
            env=env,
            check=True,
            capture_output=True,
        )
        (package,) = out.glob("*.zip")
        with zipfile.ZipFile(package) as zf:
            zf.extractall(site / name)
    shutil.copy(source / "builder" / "preview" / "static" / "lms.js", site / "lms.js")
    (site / "host.html").write_text(HOST, encoding="utf-8")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def answers(frame: Frame) -> dict:
    """The right answer of every question, from the page's runtime configuration."""
    config = json.loads(frame.locator("#course-config").text_content())
    out = {}
    for q in config["quiz"]["questions"]:
        secret = unseal(q["key"], key_seed(config["course"]["id"], config["fingerprint"], q["id"]))
        out[q["id"]] = secret.get("k")
    return out


def visible(frame: Frame, selector: str) -> bool:
    return frame.locator(selector).first.is_visible()


def click_if_visible(frame: Frame, selector: str) -> bool:
    if visible(frame, selector):
        frame.locator(selector).first.click()
        return True
    return False


def show_question(frame: Frame, qid: str) -> None:
    """One question at a time: press "Next question" until *qid* shows (all at once: nothing to do)."""
    for _ in range(50):
        if visible(frame, f'fieldset[data-question-id="{qid}"]'):
            return
        if not click_if_visible(frame, "[data-question-next]"):
            frame.locator("[data-question-prev]").click()


def to_scoring(frame: Frame) -> None:
    for _ in range(50):
        if visible(frame, "[data-score]"):
            return
        frame.locator("[data-question-next]").click()


def open_quiz(frame: Frame) -> None:
    """Read every lesson with Next (the course completes only then), up to the quiz."""
    while not visible(frame, '[data-view="quiz"]'):
        frame.get_by_role("button", name="Next", exact=True).click()


def answer_true_false(frame: Frame, right: dict, wrong: int) -> None:
    """Answer the sample course's true/false quiz, the first *wrong* questions wrongly."""
    ids = frame.locator("[data-quiz-form] fieldset[data-question-id]").evaluate_all(
        "els => els.map(e => e.dataset.questionId)"
    )
    for n, qid in enumerate(ids):
        show_question(frame, qid)
        value = right[qid] if n >= wrong else ("f" if right[qid] == "t" else "t")
        fieldset = frame.locator(f'fieldset[data-question-id="{qid}"]')
        fieldset.get_by_role("radio", name="True" if value == "t" else "False", exact=True).check()
    to_scoring(frame)
    frame.locator("[data-score]").click()
    frame.locator("[data-results] h3").wait_for()


def scroll_to(frame: Frame, selector: str) -> None:
    frame.evaluate(
        "(s) => { const el = document.querySelector(s); window.scrollTo(0, el ? el.getBoundingClientRect().top"
        " + window.scrollY - 8 : 0); }",
        selector,
    )


def shoot(page: Page, out: Path, name: str) -> None:
    page.wait_for_timeout(150)
    page.screenshot(path=str(out / f"{name}.png"))


def sample_course(page: Page, base: str, out: Path, size: str) -> None:
    page.goto(f"{base}/host.html?pkg=sample")
    frame = page.frame(name="course")
    frame.wait_for_function("() => window.coursepack")
    frame.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, out, f"start-{size}")
    click_if_visible(frame, "[data-start-course]")
    frame.locator('[data-view="lesson"]:not([hidden]) h2').wait_for()
    frame.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, out, f"lesson-{size}")
    right = answers(frame)
    open_quiz(frame)
    frame.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, out, f"quiz-{size}")
    answer_true_false(frame, right, wrong=3)
    scroll_to(frame, "[data-results]")
    shoot(page, out, f"results-{size}")
    frame.get_by_role("button", name="Retake quiz").click()
    answer_true_false(frame, right, wrong=0)
    frame.get_by_role("button", name="View and print your certificate").click()
    scroll_to(frame, "article.certificate")
    shoot(page, out, f"certificate-{size}")


def sequencing_question(page: Page, base: str, out: Path, size: str) -> None:
    page.goto(f"{base}/host.html?pkg=showcase")
    frame = page.frame(name="course")
    frame.wait_for_function("() => window.coursepack")
    click_if_visible(frame, "[data-start-course]")
    open_quiz(frame)
    qid = frame.locator('fieldset[data-type="sequencing"]').first.get_attribute("data-question-id")
    show_question(frame, qid)
    scroll_to(frame, f'fieldset[data-question-id="{qid}"]')
    shoot(page, out, f"sequencing-{size}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=REPO, help="the coursepack checkout to build with")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        build(args.source.resolve(), site)
        server = serve(site)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium)
                for size, viewport in SIZES.items():
                    context = browser.new_context(viewport=viewport, device_scale_factor=1)
                    page = context.new_page()
                    sample_course(page, base, args.out, size)
                    if size == "375":
                        sequencing_question(page, base, args.out, size)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    for png in sorted(args.out.glob("*.png")):
        print(f"{png} ({png.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
