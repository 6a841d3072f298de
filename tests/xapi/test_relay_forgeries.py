"""The forgery table (forgeries.py), one row per rule, against the relay's checks; and docs/relay-rules.md lists it.

The same rows go to a real relay in front of a real Ralph in tests/e2e/test_relay.py; here each is
checked in process, with the honest statements of ``before`` standing for what the LRS holds.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from builder.xapi.relay.allowlist import load_allowlist
from builder.xapi.relay.rules import Checker, Limits, Refused, parse_batch
from builder.xapi.relay.sequence import check_sequences, history_keys, statement_key
from builder.xapi.releases import release_from_source

from .conftest import REPO, SAMPLE, XAPI_BLOCK
from .forgeries import FORGERIES, Forgery, Kit
from .relay_statements import Session
from .test_relay_rules import showcase  # noqa: F401 - fixture

DOC = REPO / "docs" / "relay-rules.md"
RULES_PY = [
    REPO / "builder" / "xapi" / "relay" / name for name in ("rules.py", "content.py", "sequence.py", "answers.py")
]


@pytest.fixture(scope="module")
def sample_release(tmp_path_factory):
    root = tmp_path_factory.mktemp("forgeries") / "self-compassion"
    shutil.copytree(SAMPLE, root)
    with open(root / "course.yaml", "a", encoding="utf-8") as fh:
        fh.write(XAPI_BLOCK)
    return root


@pytest.fixture
def kit(sample_release, showcase):  # noqa: F811
    from builder.xapi.relay.allowlist import config_from_source

    config = release_from_source(sample_release).config
    session = Session(config["xapi"], f"learner-{uuid.uuid4().hex[:8]}", config=config)
    return Kit(session, config["xapi"], config, config_from_source(showcase))


@pytest.fixture
def checker(sample_release, showcase):  # noqa: F811
    return Checker(load_allowlist([sample_release, showcase]))


def refusal(checker: Checker, forgery: Forgery, kit: Kit) -> Refused:
    before = forgery.before(kit)
    if before:
        checker.check_batch(before)  # honest: accepted
    body = forgery.make(kit)
    with pytest.raises(Refused) as info:
        batch = parse_batch(body if isinstance(body, bytes) else json.dumps(body).encode(), Limits())
        checker.check_batch(batch)
        stored = {statement_key(s): before for s in before}  # what the LRS would answer
        assert history_keys(batch, checker.allow), "a sequence row must need the LRS's history"
        check_sequences(batch, checker.allow, stored)
    return info.value


@pytest.mark.parametrize("forgery", FORGERIES, ids=[f.name for f in FORGERIES])
def test_every_forgery_is_refused_naming_its_rule(forgery, checker, kit):
    problem = refusal(checker, forgery, kit)
    assert (problem.rule, problem.index) == (forgery.rule, forgery.index), problem.detail
    assert kit.session.actor["account"]["name"] not in problem.detail  # never echoes the learner


def test_the_honest_statements_behind_the_table_are_accepted(checker, kit):
    """Each row changes one thing: unchanged, the same statements pass (with a real certificate code)."""
    s = kit.session
    checker.check_batch(s.trail())
    ann = Session(kit.x, "ann", config=kit.config)
    checker.check_batch([ann.scored(40, False), ann.scored(90, True), ann.completed(code=kit.code("ann"))])
    # the printed date is the learner's: the UTC date or a day either side, never further
    today = datetime.now(timezone.utc).date()
    for shift in (-1, 0, 1):
        day = (today + timedelta(days=shift)).isoformat()
        bo = Session(kit.x, "bo", config=kit.config)
        checker.check_batch([bo.completed(code=kit.code("bo", day), date=day)])
    day = (today - timedelta(days=2)).isoformat()
    cy = Session(kit.x, "cy", config=kit.config)
    with pytest.raises(Refused) as info:
        checker.check_batch([cy.completed(code=kit.code("cy", day), date=day)])
    assert info.value.rule == "certificate"


def test_the_rules_the_relay_names_are_all_in_the_table_and_the_docs():
    named = set()
    for path in RULES_PY:
        named |= set(re.findall(r'Refused\(\s*"([a-z-]+)"', path.read_text(encoding="utf-8")))
        named |= set(re.findall(r'rule="([a-z-]+)"', path.read_text(encoding="utf-8")))
    table = {f.rule for f in FORGERIES}
    assert named <= table, f"rules without a forgery: {sorted(named - table)}"
    doc = DOC.read_text(encoding="utf-8")
    for forgery in FORGERIES:
        assert f"| `{forgery.rule}` | {forgery.name} |" in doc, forgery.name


def test_each_statement_is_checked_against_the_release_it_names(course_dir):
    """Release 1.1.0 has pass mark 90 and 3 credit hours: what 1.0.0 accepts is not accepted for it."""
    old = course_dir(name="v1")
    new = course_dir(name="v2")
    text = (new / "course.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1.0.0", "version: 1.1.0").replace("credit_hours: 2", "credit_hours: 3")
    (new / "course.yaml").write_text(text.replace("pass_mark: 75", "pass_mark: 90"), encoding="utf-8")
    checker = Checker(load_allowlist([old, new]))
    v1 = release_from_source(old).config
    v2 = release_from_source(new).config
    checker.check_batch([Session(v1["xapi"], "ann", config=v1).scored(80, True)])
    checker.check_batch([Session(v2["xapi"], "bo", config=v2).scored(90, True)])
    with pytest.raises(Refused) as info:
        checker.check_batch([Session(v2["xapi"], "cy", config=v2).scored(80, True)])
    assert info.value.rule == "pass-mark"
    mixed = dict(v2["xapi"], creditHours=2)  # 1.1.0 with the credit hours of 1.0.0
    with pytest.raises(Refused) as info:
        checker.check_batch([Session(mixed, "dee").initialized()])
    assert info.value.rule == "extension" and "release 1.1.0" in info.value.detail
