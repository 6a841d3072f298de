"""Accessibility checks for the end-to-end tests: axe-core in the SCO frame, reflow at 320 px,
touch-target sizes, keyboard focus, and the learner-visible text of a view."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Frame

from .lms import LmsSession

E2E_DIR = Path(__file__).resolve().parent
AXE = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1100, "height": 900}
MIN_TARGET = 44  # CSS px, each side


def sco_frame(lms: LmsSession) -> Frame:
    frame = lms.page.frame(name="scorm_object")
    assert frame is not None, "the LMS page has no scorm_object frame"
    return frame


def axe_violations(frame: Frame) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations in *frame* (axe is injected once per document)."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci --prefix tests/e2e` (scripts/test.sh does)"
    if not frame.evaluate("() => typeof window.axe === 'object'"):
        frame.add_script_tag(path=str(AXE))
    return frame.evaluate(
        """async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)}));
    }""",
        WCAG_TAGS,
    )


def assert_no_violations(frame: Frame, where: str) -> None:
    violations = axe_violations(frame)
    assert not violations, f"axe (WCAG 2.1 A/AA) on {where}:\n" + json.dumps(violations, indent=1)


def layout_problems(frame: Frame) -> dict:
    """Horizontal scrolling of the page, and visible controls smaller than 44 x 44 CSS px."""
    return frame.evaluate(
        """(min) => {
        const root = document.documentElement;
        const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
            && getComputedStyle(el).visibility !== 'hidden'; };
        const describe = (el) => el.tagName.toLowerCase()
            + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
            + ` "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30)}"`;
        const controls = Array.from(document.querySelectorAll(
            'button, select, textarea, input[type="text"], summary, label.choice, .skip-link:focus'));
        const small = controls.filter(visible).map((el) => [el, el.getBoundingClientRect()])
            .filter(([, r]) => r.width < min - 0.5 || r.height < min - 0.5)
            .map(([el, r]) => `${describe(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
        return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, small};
    }""",
        MIN_TARGET,
    )


def assert_reflows(lms: LmsSession, where: str) -> None:
    """At 320 CSS px (an LMS frame on a phone, or 1280 px at 400 % zoom): no horizontal
    scrolling, and every control at least 44 x 44 px. The viewport is restored afterwards."""
    page = lms.page
    page.set_viewport_size(NARROW)
    try:
        frame = sco_frame(lms)
        frame.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        found = layout_problems(frame)
        assert found["scrollWidth"] <= found["clientWidth"], (
            f"{where} scrolls horizontally at 320 px: {found['scrollWidth']} > {found['clientWidth']}"
        )
        assert not found["small"], f"{where}: touch targets under {MIN_TARGET} px at 320 px: {found['small']}"
    finally:
        page.set_viewport_size(WIDE)


def audit(lms: LmsSession, where: str) -> None:
    """axe at the desktop width, then reflow and touch targets at 320 px."""
    assert_no_violations(sco_frame(lms), where)
    assert_reflows(lms, where)


def active(frame: Frame) -> dict:
    """The focused element in the frame: tag, accessible-ish name, and whether its focus shows."""
    return frame.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), type: el.type || '', name: (el.getAttribute('aria-label')
                || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || '').trim(),
                checked: !!el.checked, text: (el.textContent || '').trim().slice(0, 80),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
                inQuestion: el.closest('fieldset[data-question-id]')?.dataset.questionId || null};
    }""")


def learner_text(frame: Frame) -> str:
    """What a learner can perceive: the visible text, the page title, and the accessible
    attributes (aria-label, aria-valuetext, title, alt, placeholder) of visible elements."""
    return frame.evaluate("""() => {
        const parts = [document.title, document.body.innerText];
        for (const el of document.querySelectorAll('[aria-label], [aria-valuetext], [title], [alt], [placeholder]')) {
            if (!el.getClientRects().length) continue;
            for (const a of ['aria-label', 'aria-valuetext', 'title', 'alt', 'placeholder']) {
                if (el.hasAttribute(a)) parts.push(el.getAttribute(a));
            }
        }
        return parts.join('\\n');
    }""")


def browser_today(frame: Frame) -> str:
    """The learner's local date (YYYY-MM-DD) as the browser sees it."""
    return frame.evaluate("""() => { const d = new Date(); const p = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`; }""")
