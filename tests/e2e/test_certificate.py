"""The CE certificate in Chromium: when it is offered, what it says, its verification code
(the same in the browser and in Python), the player events, and printing on one page."""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import expect

from builder.certificate import verification_code

from .a11y import browser_today, sco_frame
from .lms import press_start, seed_cmi
from .test_accessibility import answer_true_false, passed_suspend
from .test_journeys import click_next, failing_answers, score_quiz

NAMES = [
    ("Doe, Jane", "Jane Doe"),  # SCORM 1.2 form (Moodle's SCORM standard mode)
    ("Jane Doe", "Jane Doe"),  # Moodle's default
    ("  de la Cruz ,  María José ", "María José de la Cruz"),
    ("Cher", "Cher"),  # a single name
    ("Jane Doe, RN", "Jane Doe, RN"),  # a default-format name ending in credentials
    ("Doe, Jane, PhD", "Jane Doe, PhD"),
]


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def open_passed(open_lms, course, name: str, learner: str = "jdoe", **kwargs):
    cmi = seed_cmi(
        entry="",
        lesson_status="passed",
        score_raw="100",
        suspend_data=passed_suspend(course),
        student_id=learner,
        student_name=name,
        **kwargs,
    )
    return open_lms(cmi=cmi)


def open_certificate(sco):
    sco.get_by_role("navigation", name="Course contents").get_by_role("button", name="Certificate").click()
    view = sco.locator('[data-view="certificate"]')
    expect(view).to_be_visible()
    return view


@pytest.mark.parametrize("sent,shown", NAMES, ids=[n for n, _ in NAMES])
def test_the_name_in_either_order(open_lms, built_course, sent, shown):
    lms = open_passed(open_lms, built_course, sent)
    view = open_certificate(lms.sco)
    expect(view.locator("[data-certificate-name]")).to_have_text(shown)


def test_what_the_certificate_says(open_lms, built_course):
    course = built_course
    lms = open_passed(open_lms, course, "Student, Sam", learner="sam.student@example.org")
    view = open_certificate(lms.sco)
    expect(view.get_by_role("heading", level=3)).to_have_text("Certificate of Completion")
    expect(view.locator(".certificate-course")).to_have_text(course.config["course"]["title"])
    facts = dict(zip(view.locator("dt").all_text_contents(), view.locator("dd").all_text_contents()))
    date = view.locator("[data-certificate-date]").get_attribute("datetime")
    assert date == browser_today(sco_frame(lms))
    year, month, day = (int(x) for x in date.split("-"))
    assert facts == {
        "Course version": course.version,
        "Continuing education credit": "2 credit hours",
        "Date of completion": f"{MONTHS[month - 1]} {day}, {year}",
        "Quiz score": "100%",
        "Provider": "coursepack sample course (no CE provider)",
    }
    expect(view.locator(".certificate-approval")).to_have_text(
        "This sample course is not approved for continuing-education credit by any board."
    )
    # The provider's logo (the theme's), who signs it (ce.signature), and where the code is checked.
    article = view.locator("article.certificate")
    expect(article.get_by_role("img", name="coursepack sample")).to_be_visible()
    signature = article.locator(".certificate-signature")
    expect(signature.locator("img.signature-image")).to_have_attribute("src", "media/signature.svg")
    expect(signature.locator("img.signature-image")).to_have_attribute("alt", "")  # the name is printed under it
    expect(signature.locator(".signature-name")).to_have_text("Sample Signatory")
    expect(signature.locator(".signature-title")).to_have_text("Education lead, coursepack sample")
    assert signature.evaluate("el => getComputedStyle(el.querySelector('.signature-name')).borderTopStyle") == "solid"
    expect(article.locator(".certificate-code-help")).to_have_text(
        "coursepack sample course (no CE provider) can confirm this certificate from its code."
    )
    code = verification_code("self-compassion", course.version, "sam.student@example.org", date)
    expect(view.locator("[data-certificate-code]")).to_have_text(code)
    # The same code when the certificate is opened again later in this browser (the date is kept).
    lms.page.close()
    again = open_passed(open_lms, course, "Student, Sam", learner="sam.student@example.org")
    expect(open_certificate(again.sco).locator("[data-certificate-code]")).to_have_text(code)


def test_not_offered_before_the_course_is_passed(open_lms, built_course):
    course = built_course
    lms = open_lms()
    sco = lms.sco
    entry = sco.get_by_role("navigation", name="Course contents").get_by_role("button", name="Certificate")
    expect(entry).to_be_hidden()
    for _ in course.config["lessons"]:
        click_next(sco)
    answer_true_false(sco, course, failing_answers(course))
    score_quiz(sco)
    expect(entry).to_be_hidden()
    expect(sco.get_by_role("button", name="View and print your certificate")).to_be_hidden()
    state = sco_frame(lms).evaluate("() => window.coursepack.state().certificate")
    assert state == {"available": False, "open": False}
    lms.page.close()
    # Completed, but the stored score is under the pass mark and there is no progress to tell: no certificate.
    lms = open_lms(cmi=seed_cmi(entry="", lesson_status="completed", score_raw="50"))
    expect(lms.sco.locator("section.view:not([hidden]) h2")).to_be_visible()
    assert sco_frame(lms).evaluate("() => window.coursepack.state().certificate") == {"available": False, "open": False}
    # ... and with a passing stored score it is offered.
    lms.page.close()
    lms = open_lms(cmi=seed_cmi(entry="", lesson_status="completed", score_raw="80"))
    expect(lms.sco.get_by_role("button", name="View and print your certificate")).to_be_visible()
    lms.sco.get_by_role("button", name="View and print your certificate").click()
    expect(lms.sco.locator("[data-certificate-score]")).to_have_text("80%")


def test_browser_and_python_compute_the_same_code(open_lms, built_course):
    lms = open_passed(open_lms, built_course, "Doe, Jane")
    frame = sco_frame(lms)
    cases = [
        ("self-compassion", "1.0.0", "jdoe", "2025-03-07"),
        ("c", "2.10.3-beta.1", "", "1999-12-31"),
        ("quiz-showcase", "1.0.0", "ünïcødé-学习者-😀", "2024-02-29"),
        ("x" * 64, "10.20.30", "learner@example.org " * 12, "2030-01-01"),
    ]
    for case in cases:
        assert frame.evaluate("(a) => CoursepackCertificate.verificationCode(...a)", list(case)) == verification_code(
            *case
        ), case
    # SHA-256 itself, across the one-block and two-block padding boundaries (55, 56, 64 bytes).
    for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 200):
        data = bytes((i * 37 + 11) % 256 for i in range(n))
        got = frame.evaluate("(b) => Array.from(CoursepackCertificate.sha256(new Uint8Array(b)))", list(data))
        assert bytes(got) == hashlib.sha256(data).digest(), n


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF written by Chromium (its page objects are plain dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_certificate_prints_on_one_page(open_lms, built_course):
    """Chromium's PDF output of the package opened in a window of the test LMS (as an LMS opens
    a SCO in a popup: the player finds the API through window.opener)."""
    course = built_course
    cmi = seed_cmi(
        entry="", lesson_status="passed", score_raw="100", suspend_data=passed_suspend(course), student_name="Doe, Jane"
    )
    lms = open_lms(cmi=cmi, pkg="about:blank", start=False)
    with lms.page.expect_popup() as info:
        lms.page.evaluate("() => window.open('/pkg/index.html', 'course')")
    page = info.value
    press_start(page)
    expect(page.locator("section.view:not([hidden]) h2")).to_be_visible()
    whole_course = pdf_pages(page.pdf(format="A4"))
    assert whole_course > 3, "printing a lesson view prints the whole course"
    page.get_by_role("button", name="View and print your certificate").click()
    expect(page.locator("[data-certificate-name]")).to_have_text("Jane Doe")
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        assert pdf_pages(pdf) == 1, f"the certificate takes {pdf_pages(pdf)} pages on {paper}"
    page.emulate_media(media="print")
    # Balanced: its content spreads over the page, with about as much room above it as below.
    box = page.evaluate("""() => {
        const cert = document.querySelector('article.certificate').getBoundingClientRect();
        const parts = Array.from(document.querySelectorAll('article.certificate > *'))
            .map((e) => e.getBoundingClientRect());
        return {height: cert.height, above: Math.min(...parts.map((r) => r.top)) - cert.top,
                below: cert.bottom - Math.max(...parts.map((r) => r.bottom))};
    }""")
    assert box["height"] > 800, box  # 250 mm: most of the page
    assert box["above"] < 0.15 * box["height"] and box["below"] < 0.15 * box["height"], box
    assert abs(box["above"] - box["below"]) < 0.05 * box["height"], box
    visible = page.evaluate(
        "() => Array.from(document.querySelectorAll('body *')).filter((e) => "
        "e.getClientRects().length && !e.closest('.certificate')).map((e) => e.tagName)"
    )
    assert set(visible) <= {"DIV", "MAIN", "SECTION"}, f"printed besides the certificate: {visible}"
    page.close()
