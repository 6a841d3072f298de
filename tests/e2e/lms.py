"""Test-side view of one LMS session: the LMS page in Chromium plus what the server recorded."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from playwright.sync_api import BrowserContext, FrameLocator, Page, expect

from .lms_server import Commit, LmsServer

#: API functions that only inspect the error state (allowed after LMSFinish to check its result), both editions.
ERROR_FNS = {"LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"}
ERROR_FNS |= {"GetLastError", "GetErrorString", "GetDiagnostic"}
#: The functions that end a session and that store a value, in SCORM 1.2 and SCORM 2004.
FINISH_FNS = {"LMSFinish", "Terminate"}
SET_FNS = {"LMSSetValue", "SetValue"}
#: lms.html's cfg.api: the LMS-side object scorm-again provides to the package.
API_OBJECTS = {"1.2": "API", "2004": "API_1484_11"}

DEFAULT_LEARNER = {"student_id": "learner_1", "student_name": "Student, Sam"}

#: Where ``LmsSession.pause_timers`` stops the pages' clock.
PAUSED_AT = datetime(2030, 1, 7, 9, 30)


def seed_cmi(
    *,
    entry: str = "ab-initio",
    lesson_status: str | None = None,
    lesson_location: str | None = None,
    suspend_data: str | None = None,
    lesson_mode: str = "normal",
    credit: str = "credit",
    score_raw: str | None = None,
    score_min: str | None = None,
    score_max: str | None = None,
    mastery_score: str | None = None,
    **learner: str,
) -> dict:
    """Stored CMI data for a launch, in scorm-again's ``loadFromJSON`` shape (values as the LMS keeps them)."""
    core: dict[str, Any] = {**DEFAULT_LEARNER, **learner, "entry": entry, "lesson_mode": lesson_mode, "credit": credit}
    if lesson_status is not None:
        core["lesson_status"] = lesson_status
    if lesson_location is not None:
        core["lesson_location"] = lesson_location
    score = {k: v for k, v in (("raw", score_raw), ("min", score_min), ("max", score_max)) if v is not None}
    if score:
        core["score"] = score
    cmi: dict[str, Any] = {"core": core}
    if suspend_data is not None:
        cmi["suspend_data"] = suspend_data
    if mastery_score is not None:
        cmi["student_data"] = {"mastery_score": mastery_score}
    return cmi


def press_start(sco: FrameLocator) -> None:
    """Once the course shows its first screen: press "Start the course" when the start page offers it."""
    expect(sco.locator("[data-start]:not([hidden]), section.view:not([hidden])").first).to_be_visible()
    start = sco.locator("[data-start-course]")
    if start.is_visible():
        start.click()
        expect(sco.locator("section.view:not([hidden])")).to_have_count(1)


def interactions(cmi: dict) -> list[dict]:
    """``cmi.interactions`` as a list (scorm-again serialises arrays as ``{"0": {...}, "1": ...}``)."""
    arr = cmi.get("interactions") or {}
    assert set(arr) == {str(i) for i in range(len(arr))}, f"interaction indices are not 0..n-1: {sorted(arr)}"
    return [arr[str(i)] for i in range(len(arr))]


class LmsSession:
    """One launch of a package from the test LMS page (one ``run`` on the server).

    *api* is the SCORM edition of the LMS's API: ``1.2`` (``window.API``) or ``2004`` (``window.API_1484_11``).
    With ``start`` (the default) the learner begins at once: when the course opens on its start page
    with "Start the course" (a launch that is not a resume), it is pressed. ``start=False`` leaves
    the start page on screen (the tests of the start page itself).
    """

    def __init__(
        self,
        server: LmsServer,
        context: BrowserContext,
        *,
        cmi: dict | None = None,
        pkg: str = "/pkg/index.html",
        wrap: bool = False,
        window: bool = False,
        settings: dict | None = None,
        api: str = "1.2",
        start: bool = True,
    ) -> None:
        self.server = server
        self.context = context
        self.run = uuid.uuid4().hex[:12]
        self.wrap = wrap
        self.api_object = API_OBJECTS[api]
        if cmi is None:
            assert api == "1.2", "give a SCORM 2004 launch its stored data (editions.SCORM2004.seed())"
            cmi = seed_cmi()
        self.cfg = {
            "run": self.run,
            "pkg": pkg,
            "wrap": wrap,
            "window": window,
            "api": api,
            "cmi": cmi,
            "settings": settings or {},
        }
        self.page: Page = context.new_page()
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.page.on("console", self._on_console)
        self.closed = False
        self.start = start
        self.window: Page | None = None  # the package's own window, when the LMS opens one (``window=True``)

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    @property
    def url(self) -> str:
        return f"{self.server.url}/lms.html?cfg={quote(json.dumps(self.cfg))}"

    def open(self) -> "LmsSession":
        if self.cfg["window"]:
            with self.context.expect_page() as opened:
                self.page.goto(self.url)
            self.window = opened.value
            self.window.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        else:
            self.page.goto(self.url)
        if self.start:
            press_start(self.sco)
        return self

    def pause_timers(self) -> "LmsSession":
        """Before ``open``: stop time in the LMS page and the course (Playwright's clock, paused), so no
        ``setTimeout`` or ``setInterval`` callback ever runs: what reaches the LMS was not sent by a timer."""
        self.page.clock.install(time=PAUSED_AT - timedelta(minutes=1))  # it runs until paused, and never backwards
        self.page.clock.pause_at(PAUSED_AT)
        return self

    def crash(self, timeout: float = 10.0) -> None:
        """Crash the tab's renderer (LMS page and course), as a browser or tab crash does: no pagehide, so
        no LMSFinish. Then wait until the mirrored call log has stopped arriving."""
        page_session = self.context.new_cdp_session(self.page)
        target = page_session.send("Target.getTargetInfo")["targetInfo"]["targetId"]
        page_session.detach()
        browser = self.context.browser.new_browser_cdp_session()
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": False})["sessionId"]
        # Page.crash is never answered (the renderer is gone), so it is sent through the browser's session,
        # which returns once the message is passed on, and the page's crash event says it happened.
        message = json.dumps({"id": 1, "method": "Page.crash"})
        with self.page.expect_event("crash", timeout=timeout * 1000):
            browser.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})
        browser.detach()
        self.closed = True
        self.server.wait_quiet(self.run, quiet=0.5, timeout=timeout)

    def stored_launch(self) -> dict:
        """The next launch's CMI data from what the LMS last accepted, as an LMS hands it back: the location,
        suspend_data, status and score, and ``entry`` ``resume`` after ``exit`` ``suspend``."""
        accepted = [c for c in self.commits() if c.accepted]
        assert accepted, "the LMS accepted no commit"
        cmi = accepted[-1].cmi
        core = cmi["core"]
        score = core.get("score") or {}
        return seed_cmi(
            entry="resume" if core.get("exit") == "suspend" else "",
            lesson_status=core["lesson_status"],
            lesson_location=core["lesson_location"],
            suspend_data=cmi["suspend_data"],
            **{f"score_{k}": score[k] for k in ("raw", "min", "max") if score.get(k)},
        )

    @property
    def sco(self) -> FrameLocator | Page:
        """The package's frame (``iframe#scorm_object``, one level deeper when wrapped), or its own window."""
        if self.window is not None:
            return self.window
        if self.wrap:
            return self.page.frame_locator("#wrapper").frame_locator("#scorm_object")
        return self.page.frame_locator("#scorm_object")

    # ------------------------------------------------------------ LMS state
    def cmi(self) -> dict:
        """The live CMI data model held by scorm-again (``JSON.parse(JSON.stringify(API.cmi))``)."""
        assert not self.closed, "the LMS page is closed: use the committed data"
        return self.page.evaluate(f"() => JSON.parse(JSON.stringify(window.{self.api_object}.cmi))")

    def log(self) -> list[dict]:
        """API call log: from the live page while open, else the server's mirror of it."""
        if not self.closed:
            return self.page.evaluate("() => window.lmsLog")
        return self.server.api_log(self.run)

    def messages(self) -> list[dict]:
        """scorm-again's log messages (warnings and errors)."""
        if self.closed:
            return self.server.messages(self.run)
        return self.page.evaluate("() => window.lmsMessages")

    def commits(self) -> list[Commit]:
        return self.server.commits(self.run)

    def last_commit(self) -> Commit:
        commits = self.commits()
        assert commits, "the LMS received no commit"
        return commits[-1]

    def wait_for_commit(self, predicate, timeout: float = 10.0, what: str = "a matching commit") -> Commit:
        """Bounded wait for a commit satisfying ``predicate(commit)``; returns the newest such."""

        def find():
            matching = [c for c in self.commits() if predicate(c)]
            return matching[-1] if matching else None

        try:
            return self.server.wait_for(find, timeout, what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.describe()}") from None

    def describe(self) -> str:
        """What the LMS has: for failure messages."""
        commits = self.commits()
        lines = [f"commits received: {len(commits)}"]
        if commits:
            last = commits[-1]
            try:
                learner = ("student_id", "student_name", "learner_id", "learner_name")
                core = last.cmi.get("core", last.cmi)  # SCORM 2004 keeps these at the top
                core = {k: v for k, v in core.items() if k not in learner and not isinstance(v, dict)}
                lines.append(
                    f"last commit (terminate={last.terminate}): core={core} "
                    f"suspend_data={last.cmi.get('suspend_data')!r} "
                    f"interactions={len(last.cmi.get('interactions') or {})}"
                )
            except AssertionError as exc:
                lines.append(str(exc))
        try:
            log = self.log()
        except Exception as exc:  # the page may be gone
            log = []
            lines.append(f"(API log unavailable: {exc})")
        lines.append(
            f"API calls: {len(log)}; with errors: {[(e['fn'], e['args'], e['err']) for e in self.errors(log)][:10]}"
        )
        lines.append(f"page errors: {self.page_errors[:5]}")
        return "\n".join(lines)

    def close(self, timeout: float = 10.0) -> Commit:
        """Close the LMS window the way a learner closes the tab (beforeunload, pagehide run),
        then wait until the LMS has received the LMSFinish (Terminate) commit and the mirrored call log."""
        self.page.close(run_before_unload=True)
        self.closed = True
        finish = self.wait_for_commit(lambda c: c.terminate, timeout, "the LMSFinish (terminate) commit")

        def log_complete():
            log = self.server.api_log(self.run)
            return (
                bool(log)
                and [e["seq"] for e in log] == list(range(1, len(log) + 1))
                and any(e["fn"] in FINISH_FNS for e in log)
            )

        self.server.wait_for(log_complete, timeout, "the mirrored API log up to LMSFinish (Terminate)")
        # Calls after LMSFinish (a defect the tests look for) would arrive right behind it.
        self.server.wait_quiet(self.run, quiet=0.5, timeout=timeout)
        return finish

    # --------------------------------------------------------- log helpers
    @staticmethod
    def calls(log: list[dict], fn: str) -> list[dict]:
        return [e for e in log if e["fn"] == fn]

    @staticmethod
    def sets(log: list[dict]) -> list[tuple[str, str]]:
        """(element, value) of every LMSSetValue (SetValue), in order."""
        return [(e["args"][0], e["args"][1]) for e in log if e["fn"] in SET_FNS]

    @staticmethod
    def errors(log: list[dict]) -> list[dict]:
        return [e for e in log if e["err"] != "0" or e.get("thrown")]

    @staticmethod
    def calls_after_finish(log: list[dict]) -> list[dict]:
        """Calls after LMSFinish (Terminate) other than error inspection of its result."""
        idx = [i for i, e in enumerate(log) if e["fn"] in FINISH_FNS]
        if not idx:
            return []
        return [e for e in log[idx[0] + 1 :] if e["fn"] not in ERROR_FNS]
