"""Every LMS preset: the sample course built with ``--lms`` passes a scorm-again journey (one per preset)."""

from __future__ import annotations

import pytest

from builder.presets import PRESETS

from .conftest import REPO_ROOT, SAMPLE_COURSE, build_served
from .editions import SCORM12
from .test_journeys import assert_clean_session, finish_course_passing


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_a_learner_passes_the_course_built_with_each_preset(open_lms, lms_server, tmp_path, preset):
    course = build_served(lms_server, REPO_ROOT / SAMPLE_COURSE, tmp_path, f"/preset-{preset}/", "--lms", preset)
    lms = open_lms(pkg=f"/preset-{preset}/index.html")
    finish_course_passing(lms, course)
    finish = lms.close()
    assert SCORM12.outcome(finish.cmi) == SCORM12.expected("passed", "100")
    assert finish.cmi["core"]["exit"] == ""
    assert_clean_session(lms, lms.log())
