"""Every LMS preset: the sample course built with ``--lms`` passes a scorm-again journey in the preset's format."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from builder.presets import PRESETS

from .conftest import REPO_ROOT, SAMPLE_COURSE, build_served
from .editions import EDITIONS
from .test_journeys import assert_clean_session, finish_course_passing

EDITION = {edition.name: edition for edition in EDITIONS}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_a_learner_passes_the_course_built_with_each_preset(open_lms, lms_server, tmp_path, preset):
    edition = EDITION[PRESETS[preset].tracking.get("format", "scorm12")]  # built without --format: the preset's
    course = build_served(lms_server, REPO_ROOT / SAMPLE_COURSE, tmp_path, f"/preset-{preset}/", "--lms", preset)
    assert course.zip_path.name.endswith(f"-{edition.name}.zip")
    lms = open_lms(pkg=f"/preset-{preset}/index.html", edition=edition)
    finish_course_passing(lms, course)
    if course.config["tracking"]["launch"] == "new-window":  # the learner leaves with the exit control
        lms.sco.get_by_role("button", name="Exit the course").click()
        # In a frame there is no window of its own to close: the course says the session is over.
        expect(lms.sco.locator('[data-notice="mode"]')).to_have_text(course.config["strings"]["course_exited"])
    finish = lms.close()
    assert edition.outcome(finish.cmi) == edition.expected("passed", "100")
    assert edition.value(finish.cmi, edition.exit) == edition.done_exit
    assert_clean_session(lms, lms.log(), edition=edition)
