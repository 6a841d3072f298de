"""The course language chooses the player's strings: a Spanish course (tests/e2e/courses/curso-es:
a theme with a logo, captioned video, audio with a transcript, every question type, feedback after
each question, a required evaluation, the certificate) shows no English in any view, and stays
accessible (axe, WCAG 2.1 A/AA) with its own colours."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .a11y import assert_no_violations, assert_reflows, learner_text, sco_frame
from .answer_key import with_answers
from .lms import press_start, seed_cmi
from .quiz_helpers import right, wrong

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
COURSE = E2E_DIR / "courses" / "curso-es"
ENGLISH = json.loads((REPO_ROOT / "templates" / "locales" / "en.json").read_text(encoding="utf-8"))
SPANISH = json.loads((REPO_ROOT / "templates" / "locales" / "es.json").read_text(encoding="utf-8"))
ENGLISH_WORDS = {
    "the",
    "your",
    "you",
    "and",
    "of",
    "to",
    "this",
    "is",
    "not",
    "quiz",
    "question",
    "answer",
    "score",
    "lesson",
    "next",
    "previous",
    "course",
    "certificate",
    "print",
    "back",
    "check",
    "true",
    "false",
    "correct",
    "incorrect",
    "passed",
    "skip",
    "progress",
    "viewed",
    "contents",
    "transcript",
    "retake",
    "send",
    "evaluation",
    "rate",
    "agree",
    "disagree",
    "choose",
    "match",
    "move",
    "up",
    "down",
    "provider",
    "credit",
    "hours",
    "date",
    "completion",
    "verification",
    "code",
    "version",
    "please",
    "results",
    "welcome",
    "recorded",
    "attempts",
    "remaining",
}


@pytest.fixture(scope="module")
def spanish(tmp_path_factory, lms_server):
    out = tmp_path_factory.mktemp("dist-es")
    proc = subprocess.run(
        [sys.executable, "-m", "builder", "build", str(COURSE), "-o", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (zip_path,) = out.glob("*-scorm12.zip")
    root = tmp_path_factory.mktemp("pkg-es")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root)
    page = (root / "index.html").read_text(encoding="utf-8")
    config = json.loads(re.search(r'id="course-config">(.*?)</script>', page, re.S)[1])
    lms_server.mount("/es/", root)
    return config


def assert_spanish(frame, where: str) -> None:
    text = learner_text(frame)
    for key, value in ENGLISH.items():
        if value == SPANISH[key]:
            continue
        for fragment in re.split(r"\{\w+\}", value):
            if len(fragment.split()) >= 2:
                assert fragment.strip() not in text, f"{where}: English string {key!r} shown: {fragment.strip()!r}"
    words = set(re.findall(r"[a-z]+", text.lower()))
    assert not words & ENGLISH_WORDS, f"{where}: English words {sorted(words & ENGLISH_WORDS)}"
    leftover = re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", text)
    assert not leftover, f"{where}: catalogue keys shown instead of strings: {leftover}"


def answer_by_value(sco, q: dict, value: str) -> None:
    """Answer without relying on any English name: by the controls' values."""
    fs = sco.locator(f'[data-quiz-form] fieldset[data-question-id="{q["id"]}"]')
    t = q["type"]
    if t in ("true-false", "single-choice", "likert"):
        fs.locator(f'input[value="{value}"]').check()
    elif t == "multiple-response":
        for box in fs.locator('input[type="checkbox"]').all():
            box.set_checked(box.get_attribute("value") in value)
    elif t in ("fill-in", "numeric"):
        fs.get_by_role("textbox").fill(value)
        fs.get_by_role("textbox").press("Tab")
    elif t == "matching":
        for select, target in zip(fs.locator("select").all(), value):
            select.select_option(target)
    elif t == "sequencing":
        for position, item in enumerate(value):
            while (
                fs.locator("li[data-item]").evaluate_all("els => els.map(e => e.dataset.item)").index(item) > position
            ):
                fs.locator(f'li[data-item="{item}"] button[data-move="up"]').click()


def test_the_spanish_course_shows_no_english(open_lms, spanish):
    config = spanish
    questions = {q["id"]: q for q in with_answers(config)}
    lms = open_lms(
        pkg="/es/index.html", cmi=seed_cmi(student_id="agarcia", student_name="García López, Ana"), start=False
    )
    sco = lms.sco
    frame = sco_frame(lms)
    expect(sco.locator("[data-start] img.start-cover")).to_have_attribute("alt", "Unas manos bajo un chorro de agua.")
    assert_spanish(frame, "the start page")
    assert_no_violations(frame, "the start page of the themed Spanish course")
    press_start(sco)
    next_button = sco.locator("[data-next]")
    expect(sco.locator("section.view:not([hidden]) h2")).to_have_text("Por qué importan las manos")
    assert_spanish(frame, "lesson 1")
    assert_no_violations(frame, "a lesson of the themed Spanish course, with a captioned video")
    next_button.click()
    sco.locator("details.transcript summary").click()
    expect(sco.locator(".transcript-body")).to_contain_text("Locutora: Primero")
    assert_spanish(frame, "lesson 2 with its transcript")
    assert_no_violations(frame, "a lesson with an audio and its transcript")
    assert_reflows(lms, "a lesson with a table, an audio and its transcript")
    next_button.click()

    quiz = sco.locator('section.view[data-view="quiz"]')
    expect(quiz).to_be_visible()
    # display: all-at-once: every question on the page, no steps between them.
    expect(quiz.locator("[data-quiz-form] fieldset[data-question-id]:visible")).to_have_count(
        quiz.locator("[data-quiz-form] fieldset[data-question-id]").count()
    )
    expect(quiz.locator("[data-question-next], [data-quiz-review], [data-quiz-progress]")).to_have_count(3)
    expect(
        quiz.locator("[data-question-next]:visible, [data-quiz-review]:visible, [data-quiz-progress]:visible")
    ).to_have_count(0)
    quiz.locator("[data-score]").click()
    expect(quiz.locator('[data-notice="quiz"]')).to_contain_text("Preguntas sin responder")
    assert_spanish(frame, "the quiz with unanswered questions")

    shown = quiz.locator("[data-quiz-form] fieldset[data-question-id]").evaluate_all(
        "els => els.map(e => e.dataset.questionId)"
    )
    for qid in shown:
        answer_by_value(sco, questions[qid], wrong(questions[qid]) if questions[qid]["type"] != "numeric" else "12,5")
    quiz.locator(f'fieldset[data-question-id="{shown[0]}"] [data-check]').click()
    expect(quiz.locator("[data-quiz-live]")).to_have_text("Incorrecta")
    assert_spanish(frame, "the quiz with checked feedback")
    quiz.locator("[data-score]").click()
    expect(quiz.locator("[data-results]")).to_contain_text("no ha alcanzado")
    assert_spanish(frame, "the results of a failed attempt")

    quiz.locator("[data-results] button").click()  # Repetir el cuestionario
    for qid in quiz.locator("[data-quiz-form] fieldset[data-question-id]").evaluate_all(
        "els => els.map(e => e.dataset.questionId)"
    ):
        answer_by_value(sco, questions[qid], right(questions[qid]).strip())
    quiz.locator("[data-score]").click()
    expect(quiz.locator("[data-results]")).to_contain_text("Ha aprobado")
    evaluation = quiz.locator("[data-evaluation]")
    evaluation.locator("[data-evaluation-submit]").click()
    expect(evaluation.locator('[data-notice="evaluation"]')).to_contain_text("sin valorar")
    assert_spanish(frame, "the results and the evaluation")
    assert_no_violations(frame, "the results and the evaluation of the themed course")
    evaluation.locator('input[value="4"]').check()
    evaluation.locator("textarea").fill("Nada, gracias.")
    evaluation.locator("[data-evaluation-submit]").click()
    expect(evaluation.locator("[data-evaluation-done]")).to_contain_text("Gracias")

    quiz.locator("[data-results] [data-open-certificate]").click()  # the results' next action
    view = sco.locator('[data-view="certificate"]')
    expect(view).to_be_visible()
    expect(view.locator("[data-certificate-name]")).to_have_text("Ana García López")
    expect(view.locator("[data-certificate-score]")).to_have_text("100 %")
    expect(view).to_contain_text("1,5 horas de crédito")
    expect(view.locator("img.certificate-logo")).to_have_attribute("alt", "Proveedor de ejemplo")
    expect(view.locator(".signature-name")).to_have_text("Dra. Lucía Gómez")
    expect(view.locator(".certificate-code-help")).to_have_text(
        "[MARCADOR] Nombre del proveedor de formación continua confirma los certificados con su código en "
        "https://formacion.example.org/verificar"
    )
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}", view.locator("[data-certificate-date]").inner_text())
    assert_spanish(frame, "the certificate")
    assert_no_violations(frame, "the certificate of the themed course")
    assert_reflows(lms, "the certificate of the themed course, with its logo")
    assert lms.cmi()["core"]["lesson_status"] == "passed"
