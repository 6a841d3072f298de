/*
 * coursepack player, certificate view (copied to assets/certview.js; loaded before assets/player.js).
 *
 * Owns the certificate offer, its entry in the contents and the certificate view: when it is
 * earned, the completion date kept in this browser, filling in the learner's parts, opening,
 * printing and closing it. The verification code and the name come from assets/certificate.js,
 * which only a course with the certificate carries; without it nothing here is ever shown.
 * Registers CoursepackPlayer.certview (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  function localDate(d = new Date()) {
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  // p: what the parts share; hooks (player.js): shown(), hidden().
  //
  // Offered once the course is passed or completed (a required evaluation included) with the
  // quiz, if any, passed; in every LMS mode, since Moodle reopens a finished attempt in review.
  // SCORM 1.2 has no completion date: the date is kept in this browser when the completion
  // happens; a learner who completed elsewhere gets the date the certificate is first shown here.
  function create(p, { tracking, hooks }) {
    const { config, quiz, state, views, ui, learner, text, emit, formatNumber, $, $$ } = p;
    const CERT = config.certificate ? global.CoursepackCertificate || null : null;
    const certificate = {
      view: $('[data-view="certificate"]'),
      offer: $('[data-certificate-offer]'),
      entry: $('[data-certificate-entry]'),
      open: false,
      date: null,
    };
    const certificateKey = () => `coursepack-certificate:${config.course.id}:${learner.id}`;
    // Someone keeps the learner's record: an LMS, or an LRS named by an xAPI launch (player.js).
    const recorded = () => state.lms || state.lrs;

    // askLms: whether the LMS's score may be read (never in the middle of a status write).
    function earned({ askLms = true } = {}) {
      if (!CERT || !certificate.view || !recorded() || !tracking.isDone(state.status)) return false;
      if (!quiz) return true;
      const outcome = tracking.quizOutcome();
      if (outcome === 'passed') return tracking.evaluationSettled();
      if (outcome !== null) return false;
      const score = tracking.storedScore({ askLms });   // the progress was reset by an update
      return score !== undefined && score !== null && score >= config.passMark;
    }

    function rememberCompletion() {
      if (!CERT || !recorded()) return;
      certificate.date = localDate();
      try { window.localStorage.setItem(certificateKey(), certificate.date); } catch (error) { /* private mode */ }
    }

    function completionDate() {
      if (!certificate.date) {
        let stored = null;
        try { stored = window.localStorage.getItem(certificateKey()); } catch (error) { /* private mode */ }
        if (/^\d{4}-\d{2}-\d{2}$/.test(stored || '')) certificate.date = stored;
        else rememberCompletion();
      }
      return certificate.date;
    }

    // {code, date} for the player events (docs/architecture.md, section 7), or null.
    function record(options) {
      if (!earned(options)) return null;
      const date = completionDate();
      return { code: CERT.verificationCode(config.course.id, config.course.version, learner.id, date), date };
    }

    // The offer under the views and the contents entry (whenever the navigation renders).
    function renderAccess() {
      if (!certificate.view) return;
      const available = earned();
      // The results of the quiz offer it themselves, as their next action: then not twice.
      const inView = state.current >= 0 && views[state.current].el.querySelector('[data-open-certificate]');
      if (certificate.offer) certificate.offer.hidden = !available || certificate.open || Boolean(inView);
      if (!certificate.entry) return;                 // a template override may leave either out
      certificate.entry.hidden = !available;
      const button = $('button', certificate.entry);
      if (certificate.open) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }

    // Fill in the learner's parts (an override may leave any of them out).
    function fill(issued) {
      const fillIn = (selector, value) => $$(selector, certificate.view).forEach((node) => { node.textContent = value; });
      const when = new Date(`${issued.date}T12:00:00Z`);
      fillIn('[data-certificate-date]', new Intl.DateTimeFormat(config.course.language || 'en',
        { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(when));
      $$('[data-certificate-date]', certificate.view).forEach((node) => node.setAttribute('datetime', issued.date));
      fillIn('[data-certificate-name]', CERT.displayName(learner.name) || text('certificate_no_name'));
      fillIn('[data-certificate-code]', issued.code);
      if (quiz) {
        const score = tracking.quizOutcome() === 'passed' ? tracking.evaluate().score : tracking.storedScore();
        fillIn('[data-certificate-score]', text('percent', { value: formatNumber(score) }));
      }
    }

    function open() {
      const issued = record();
      if (!issued) return;
      fill(issued);
      views.forEach((view) => { view.el.hidden = true; });
      ui.start.hidden = true;
      ui.pager.hidden = true;
      certificate.view.hidden = false;
      certificate.open = true;
      document.body.classList.add('certificate-open');
      hooks.shown();
      emit('certificate', issued);
      window.scrollTo(0, 0);
      $('h2', certificate.view).focus({ preventScroll: true });
    }

    // Back to the view the learner came from (or to the start page).
    function close({ focus = true } = {}) {
      if (!certificate.open) return;
      certificate.open = false;
      certificate.view.hidden = true;
      document.body.classList.remove('certificate-open');
      const back = state.current >= 0 ? views[state.current].el : ui.start;
      back.hidden = false;
      ui.pager.hidden = state.current < 0;
      hooks.hidden();
      if (focus) {
        window.scrollTo(0, 0);
        $('h2', back).focus({ preventScroll: true });
      }
    }

    // The open, close and print buttons (once, at start). Open buttons may come later (the
    // quiz results draw one), so their clicks are caught on the document.
    function bind() {
      if (!certificate.view) return;
      document.addEventListener('click', (event) => {
        if (event.target.closest('[data-open-certificate]')) open();
      });
      $$('[data-certificate-close]', certificate.view).forEach((b) => b.addEventListener('click', () => close()));
      $$('[data-certificate-print]', certificate.view).forEach((b) => b.addEventListener('click', () => window.print()));
    }

    // For window.coursepack.state(): {available, open}, or null without a certificate view.
    const summary = () => (certificate.view ? { available: earned(), open: certificate.open } : null);

    return { rememberCompletion, record, renderAccess, open, close, isOpen: () => certificate.open, bind, summary,
      available: () => Boolean(certificate.view) && earned() };
  }

  const parts = global.CoursepackPlayer || (global.CoursepackPlayer = {});
  parts.certview = Object.freeze({ create });
})(window);
