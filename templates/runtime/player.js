/*
 * coursepack player (copied to assets/player.js; needs assets/scorm12.js first).
 *
 * The lessons, the quiz and the results are already in the page: this script shows one view at
 * a time, runs the quiz and applies the tracking rules of docs/architecture.md (section 4) and
 * the suspend_data format v1 (section 5). Classic script, no dependencies.
 */
;(function () {
  'use strict';

  const SCORM = window.CoursepackSCORM;
  const config = JSON.parse(document.getElementById('course-config').textContent);
  const strings = config.strings || {};
  const lessons = config.lessons || [];
  const quiz = config.quiz || null;
  const questions = quiz ? quiz.questions : [];
  const DEBUG = /coursepack-debug/.test(window.location.search + window.location.hash);

  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const TERMINAL = ['passed', 'completed'];   // never written over (section 4, "Never downgrade")
  const MAX_STORED_ATTEMPTS = 1295;           // "zz" in base 36: builder/suspend.py counts 2 digits
  const SUSPEND_LIMIT = Math.min(4096, config.suspendWorstCase || 4096);

  // ------------------------------------------------------------------ small helpers
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  // A learner-facing string with its {name} placeholders filled in.
  function text(key, params = {}) {
    let s = key in strings ? String(strings[key]) : key;
    for (const [name, value] of Object.entries(params)) s = s.split(`{${name}}`).join(String(value));
    return s;
  }

  const numberFormat = new Intl.NumberFormat(config.course && config.course.language || 'en',
    { maximumFractionDigits: 2 });
  const formatNumber = (n) => numberFormat.format(n);

  // Build an element; children are nodes or plain strings (inserted as text, never as HTML).
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  // Player events for optional reporters (assets/xapi.js): one DOM event, 'coursepack', whose
  // detail is {type, ...}. Types: start, view, scored, status, end. Listeners must not throw.
  function emit(type, detail = {}) {
    try {
      document.dispatchEvent(new CustomEvent('coursepack', { detail: { type, ...detail } }));
    } catch (error) {
      if (DEBUG) console.warn('[coursepack] event listener failed', error);
    }
  }

  function notice(name, message) {
    const box = $(`[data-notice="${name}"]`);
    if (box) box.textContent = message;
  }

  // ------------------------------------------------------------------ page parts
  const views = lessons.map((lesson) => ({
    key: `lesson:${lesson.id}`,
    title: lesson.title,
    el: $(`[data-view="lesson"][data-lesson-id="${CSS.escape(lesson.id)}"]`),
  }));
  if (quiz) views.push({ key: 'quiz', title: quiz.title, el: $('[data-view="quiz"]') });
  const QUIZ_VIEW = quiz ? views.length - 1 : -1;
  const viewIndex = (key) => views.findIndex((view) => view.key === key);

  const ui = {
    toc: $('[data-toc]'),
    tocToggle: $('[data-toc-toggle]'),
    tocButtons: $$('[data-goto]'),
    progress: $('[data-progress]'),
    progressFill: $('[data-progress-fill]'),
    progressText: $('[data-progress-text]'),
    pager: $('[data-pager]'),
    prev: $('[data-prev]'),
    next: $('[data-next]'),
    resume: $('[data-resume]'),
    form: $('[data-quiz-form]'),
    results: $('[data-results]'),
    attempts: $('[data-quiz-attempts]'),
  };
  const fieldsets = questions.map((q) => $(`fieldset[data-question-id="${CSS.escape(q.id)}"]`));

  // ------------------------------------------------------------------ state
  const freshQuiz = () => ({ used: 0, phase: 'n', answers: questions.map(() => '-'), score: null });

  const state = {
    current: -1,                           // index into views; -1 while the resume prompt shows
    visited: lessons.map(() => false),
    quiz: freshQuiz(),                     // phase: n not started, p in progress, s scored
    status: '',                            // cmi.core.lesson_status as last read or written
    mode: 'normal',                        // normal | browse | review
    tracking: false,                       // an LMS in normal mode: progress is written
    lms: false,                            // an LMS was found and initialized
  };
  const written = { suspend: null, location: null, exit: null };   // avoid re-sending equal values
  const answeredAt = questions.map(() => null);                     // Date of each answer, this attempt
  let attemptShownAt = null;                                         // Date the attempt was first shown
  const clock = { start: Date.now(), paused: 0, pausedAt: null };    // session time without bfcache time

  const session = SCORM.connect({
    debug: DEBUG,
    onCommitFailure: () => notice('save', text('commit_failed')),
    onCommitRecovered: () => notice('save', ''),
  });

  const quizEditable = () => !session.connected || state.tracking;   // no LMS, or normal mode
  const attemptsLeft = () => (quiz.attempts ? Math.max(0, quiz.attempts - state.quiz.used) : Infinity);
  const quizVisited = () => state.quiz.phase !== 'n' || state.quiz.used > 0;
  const viewVisited = (i) => (i === QUIZ_VIEW ? quizVisited() : state.visited[i]);

  // Score of a set of answers: weighted percentage, at most 2 decimals.
  function evaluate(answers) {
    let total = 0;
    let earned = 0;
    const correct = questions.map((q, i) => {
      const ok = answers[i] === q.answer;
      total += Number(q.weight);
      if (ok) earned += Number(q.weight);
      return ok;
    });
    const score = total > 0 ? Math.round((earned / total) * 10000) / 100 : 0;
    return { score, correct, passed: score >= config.passMark };
  }

  // 'passed', 'failed' or null (no attempt scored yet). A retake is only offered after a
  // failed attempt, so an unscored quiz with attempts used means the last attempt failed.
  function quizOutcome() {
    if (!quiz) return null;
    if (state.quiz.phase === 's') return evaluate(state.quiz.answers).passed ? 'passed' : 'failed';
    return state.quiz.used > 0 ? 'failed' : null;
  }

  // ------------------------------------------------------------------ status rules (section 4)
  // The status the completion rule asks for now, or null when it asks for nothing.
  function wantedStatus() {
    const lessonsDone = state.visited.every(Boolean);
    const outcome = quizOutcome();
    const pass = config.status.pass;
    const fail = config.status.fail;
    const rule = quiz ? config.completion : 'lessons';
    if (rule === 'lessons') {
      if (outcome === 'passed') return pass;
      if (lessonsDone) return 'completed';
      return outcome === 'failed' ? fail : null;
    }
    if (outcome === 'passed') return rule === 'quiz' || lessonsDone ? pass : 'incomplete';
    return outcome === 'failed' ? fail : null;
  }

  // Never downgrade: nothing replaces passed; completed may only become passed.
  function mayWrite(from, to) {
    if (!to || from === 'passed') return false;
    return from !== 'completed' || to === 'passed';
  }

  function exitFor(status) {
    if (TERMINAL.includes(status)) return '';
    if (status === 'failed' && quiz && attemptsLeft() === 0) return '';
    return 'suspend';
  }

  // Apply a status (written when tracking, kept locally without an LMS). True if it changed.
  function setStatus(next, { force = false } = {}) {
    if (!mayWrite(state.status, next) || (next === state.status && !force)) return false;
    if (session.connected && !(state.tracking && session.set('cmi.core.lesson_status', next))) return false;
    const changed = next !== state.status;
    state.status = next;
    if (changed) emit('status', { status: next });
    if (TERMINAL.includes(next)) notice('complete', text('course_complete'));
    return changed;
  }

  function writeExit(status = state.status) {
    if (!state.tracking) return;
    const exit = exitFor(status);
    if (exit !== written.exit && session.set('cmi.core.exit', exit)) written.exit = exit;
  }

  // ------------------------------------------------------------------ suspend_data v1 (section 5)
  function encodeSuspend() {
    let visited = '';
    for (let i = 0; i < lessons.length; i += 6) {
      let digit = 0;
      for (let bit = 0; bit < 6 && i + bit < lessons.length; bit++) {
        if (state.visited[i + bit]) digit |= 1 << bit;
      }
      visited += BASE64URL[digit];
    }
    let quizPart = '';
    if (quiz) {
      const q = state.quiz;
      const used = Math.min(q.used, quiz.attempts || MAX_STORED_ATTEMPTS);
      quizPart = [used.toString(36), q.phase, q.answers.join(''), q.score === null ? '' : q.score].join('.');
    }
    return ['1', config.fingerprint, visited, quizPart].join('~');
  }

  // {visited, quiz} from stored data, or null when it is not this course's v1 data.
  function decodeSuspend(data) {
    const parts = data.split('~');
    if (parts.length !== 4 || parts[0] !== '1' || parts[1] !== config.fingerprint) return null;
    const bitmap = parts[2];
    if (bitmap.length !== Math.ceil(lessons.length / 6) || /[^A-Za-z0-9_-]/.test(bitmap)) return null;
    const visited = lessons.map((_, i) => (BASE64URL.indexOf(bitmap[Math.floor(i / 6)]) & (1 << (i % 6))) !== 0);
    if (!quiz) return parts[3] === '' ? { visited, quiz: freshQuiz() } : null;
    const m = /^([0-9a-z]{1,4})\.([nps])\.([tf-]*)\.(\d{0,3})$/.exec(parts[3]);
    if (!m || m[3].length !== questions.length) return null;
    const score = m[4] === '' ? null : Math.min(100, Number(m[4]));
    return { visited, quiz: { used: parseInt(m[1], 36), phase: m[2], answers: m[3].split(''), score } };
  }

  // Write suspend_data and lesson_location when they changed (normal mode only).
  function saveProgress() {
    if (!state.tracking) return;
    const data = encodeSuspend();
    if (data !== written.suspend) {
      if (data.length > SUSPEND_LIMIT) {
        if (DEBUG) console.warn('[coursepack] suspend_data longer than its worst case, not sent:', data);
      } else if (session.set('cmi.suspend_data', data)) {
        written.suspend = data;
      }
    }
    const view = views[state.current];
    if (view && view.key !== written.location && session.set('cmi.core.lesson_location', view.key)) {
      written.location = view.key;
    }
  }

  // ------------------------------------------------------------------ navigation
  function go(index, { focus = true } = {}) {
    if (index < 0 || index >= views.length) return;
    ui.resume.hidden = true;
    ui.pager.hidden = false;
    state.current = index;
    views.forEach((view, i) => { view.el.hidden = i !== index; });
    let statusChanged = false;
    if (index === QUIZ_VIEW) {
      if (quizEditable() && state.quiz.phase === 'n') state.quiz.phase = 'p';
      if (!attemptShownAt) attemptShownAt = new Date();
    } else {
      state.visited[index] = true;
      statusChanged = setStatus(wantedStatus());
      if (statusChanged) writeExit();
    }
    renderNav();
    saveProgress();
    emit('view', { key: views[index].key, lessonId: index === QUIZ_VIEW ? null : lessons[index].id });
    if (state.tracking) {
      if (statusChanged) session.commitNow();
      else session.requestCommit();
    }
    if (focus) {
      window.scrollTo(0, 0);
      $('h2', views[index].el).focus({ preventScroll: true });
    }
  }

  function renderNav() {
    ui.tocButtons.forEach((button) => {
      const i = viewIndex(button.dataset.goto);
      if (i === state.current) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
      const seen = i >= 0 && viewVisited(i);
      button.classList.toggle('is-visited', seen);
      if (seen) button.setAttribute('aria-describedby', 'toc-visited');
      else button.removeAttribute('aria-describedby');
    });
    ui.prev.disabled = state.current <= 0;
    ui.next.disabled = state.current < 0 || state.current >= views.length - 1;
    const percent = views.length ? Math.round((views.filter((_, i) => viewVisited(i)).length / views.length) * 100) : 0;
    const label = text('progress_value', { percent });
    ui.progress.setAttribute('aria-valuenow', String(percent));
    ui.progress.setAttribute('aria-valuetext', label);
    ui.progressFill.style.width = `${percent}%`;
    ui.progressText.textContent = label;
  }

  function showResumePrompt(target) {
    views.forEach((view) => { view.el.hidden = true; });
    ui.pager.hidden = true;
    $('[data-resume-where]', ui.resume).textContent = text('resume_location', { title: views[target].title });
    $('[data-resume-continue]', ui.resume).onclick = () => go(target);
    $('[data-resume-restart]', ui.resume).onclick = () => go(0);
    ui.resume.hidden = false;
    renderNav();
    $('h2', ui.resume).focus();
  }

  // ------------------------------------------------------------------ quiz
  const answerLabel = (value) => (value === 't' ? text('true') : value === 'f' ? text('false') : text('not_answered'));
  const canRetake = () => quizEditable() && quizOutcome() === 'failed' && attemptsLeft() > 0;

  function renderQuiz() {
    if (!quiz) return;
    const q = state.quiz;
    const editable = quizEditable();
    const scored = q.phase === 's';
    fieldsets.forEach((fieldset, i) => {
      $$('input[type="radio"]', fieldset).forEach((input) => {
        input.checked = input.value === q.answers[i];
        input.disabled = !editable || scored;
      });
    });
    ui.form.hidden = scored && editable;       // in review the recorded answers stay visible
    $('[data-score]', ui.form).hidden = !editable;
    let info = '';
    if (!editable) info = text('quiz_readonly');
    else if (quiz.attempts && !scored) {
      info = q.used ? text('attempts_remaining', { n: attemptsLeft() }) : text('attempts_allowed', { n: quiz.attempts });
    }
    ui.attempts.textContent = info;
    if (scored) renderResults();
    else {
      ui.results.hidden = true;
      ui.results.replaceChildren();
    }
  }

  function renderResults() {
    const result = evaluate(state.quiz.answers);
    const heading = el('h3', { tabindex: '-1' }, text('results_title'));
    const items = questions.map((q, i) => {
      const ok = result.correct[i];
      const item = el('li', { class: ok ? 'is-correct' : 'is-wrong', 'data-feedback-for': q.id },
        el('p', { class: 'feedback-question' }, q.text),
        el('p', { class: 'feedback-result' }, text(ok ? 'correct' : 'incorrect')),
        el('p', {}, text('your_answer', { answer: answerLabel(state.quiz.answers[i]) })));
      if (!ok) item.append(el('p', {}, text('correct_answer', { answer: answerLabel(q.answer) })));
      if (q.explanation) item.append(el('p', { class: 'feedback-explanation' }, q.explanation));
      return item;
    });
    ui.results.replaceChildren(
      heading,
      el('p', { class: 'score' }, text('score_text', { score: formatNumber(result.score) })),
      el('p', { class: result.passed ? 'verdict is-pass' : 'verdict is-fail' },
        text(result.passed ? 'verdict_passed' : 'verdict_failed')),
      el('p', {}, text('pass_mark_text', { pass_mark: formatNumber(config.passMark) })));
    if (!result.passed && quiz.attempts && quizEditable()) {
      const left = attemptsLeft();
      ui.results.append(el('p', {}, left > 0 ? text('attempts_remaining', { n: left }) : text('no_attempts_left')));
    }
    ui.results.append(el('h4', {}, text('feedback_title')), el('ol', { class: 'feedback' }, ...items));
    if (canRetake()) {
      const retakeButton = el('button', { type: 'button', class: 'button primary' }, text('retake_quiz'));
      retakeButton.addEventListener('click', retake);
      ui.results.append(el('div', { class: 'button-row' }, retakeButton));
    }
    ui.results.hidden = false;
    return heading;
  }

  function onAnswer(event) {
    const input = event.target;
    if (!quizEditable() || input.type !== 'radio') return;
    const i = fieldsets.findIndex((fieldset) => fieldset.contains(input));
    if (i < 0) return;
    state.quiz.answers[i] = input.value;
    state.quiz.phase = 'p';
    answeredAt[i] = new Date();
    fieldsets[i].classList.remove('is-unanswered');
    saveProgress();
    if (state.tracking) session.requestCommit();
  }

  function scoreQuiz(event) {
    event.preventDefault();
    if (!quizEditable() || state.quiz.phase === 's') return;
    const missing = questions.map((_, i) => i).filter((i) => state.quiz.answers[i] === '-');
    fieldsets.forEach((fieldset, i) => fieldset.classList.toggle('is-unanswered', missing.includes(i)));
    if (missing.length) {
      notice('quiz', text('unanswered', { n: missing.length }));
      $('input', fieldsets[missing[0]]).focus();
      return;
    }
    notice('quiz', '');
    const result = evaluate(state.quiz.answers);
    const q = state.quiz;
    q.used += 1;
    q.phase = 's';
    q.score = Math.floor(result.score);       // stored as an integer; the exact score is re-computed
    const now = new Date();
    emit('scored', {
      attempt: q.used,
      score: result.score,
      passed: result.passed,
      attemptsLeft: quiz.attempts ? attemptsLeft() : null,
      answers: questions.map((question, i) => ({
        id: question.id, type: question.type, response: q.answers[i], correct: result.correct[i],
        latencyMs: (answeredAt[i] || now) - (attemptShownAt || now),
      })),
    });
    if (state.tracking) record(result);
    else setStatus(wantedStatus());
    renderQuiz();
    renderNav();
    $('h3', ui.results).focus();
  }

  // Section 4, "Quiz submit": interactions at _count, then the score, the status, one commit.
  function record(result) {
    const next = wantedStatus();
    const statusAfter = mayWrite(state.status, next) ? next : state.status;
    saveProgress();
    writeExit(statusAfter);
    const now = new Date();
    const started = attemptShownAt || now;
    const countText = session.get('cmi.interactions._count');
    const count = countText ? Number(countText) : NaN;
    if (Number.isInteger(count) && count >= 0) {    // LMSs may not implement interactions (401)
      questions.every((question, i) => {
        const n = `cmi.interactions.${count + i}.`;
        if (!session.set(`${n}id`, question.id)) return false;   // indices must stay sequential
        session.set(`${n}type`, question.type);
        session.set(`${n}student_response`, state.quiz.answers[i]);
        session.set(`${n}correct_responses.0.pattern`, question.answer);
        session.set(`${n}result`, result.correct[i] ? 'correct' : 'wrong');
        session.set(`${n}weighting`, String(question.weight));
        session.set(`${n}latency`, SCORM.timespan((answeredAt[i] || now) - started));
        session.set(`${n}time`, SCORM.timeOfDay(answeredAt[i] || now));
        return true;
      });
    }
    // A failing score after passed/completed could make an LMS with a mastery score turn the
    // status into "failed" (scorm12-rte.md section 6), so it is not sent then.
    if (!(TERMINAL.includes(state.status) && !result.passed)) {
      session.set('cmi.core.score.min', '0');
      session.set('cmi.core.score.max', '100');
      session.set('cmi.core.score.raw', String(result.score));
    }
    setStatus(next, { force: true });
    session.commitNow();
  }

  function retake() {
    if (!canRetake()) return;
    state.quiz.phase = 'p';
    state.quiz.answers = questions.map(() => '-');
    answeredAt.fill(null);
    attemptShownAt = new Date();
    fieldsets.forEach((fieldset) => fieldset.classList.remove('is-unanswered'));
    notice('quiz', '');
    renderQuiz();
    saveProgress();
    if (state.tracking) session.requestCommit();
    window.scrollTo(0, 0);
    $('h2', views[QUIZ_VIEW].el).focus({ preventScroll: true });
  }

  // ------------------------------------------------------------------ session end
  function finish() {
    emit('end', { status: state.status, exit: exitFor(state.status), sessionMs: Date.now() - clock.start - clock.paused });
    if (!session.connected) return;
    saveProgress();
    session.finish({
      exit: state.tracking ? exitFor(state.status) : null,
      sessionTime: SCORM.timespan(Date.now() - clock.start - clock.paused),
    });
  }

  window.addEventListener('pagehide', (event) => {
    if (event.persisted) {                    // into the back/forward cache: keep the session
      clock.pausedAt = Date.now();
      session.commitNow();
    } else {
      finish();
    }
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && clock.pausedAt !== null) {   // back from the cache: no second LMSInitialize
      clock.paused += Date.now() - clock.pausedAt;
      clock.pausedAt = null;
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && session.dirty) session.commitNow();
  });

  // ------------------------------------------------------------------ start
  const learner = { id: '', name: '' };

  function start() {
    let entry = '';
    let location = '';
    let stored = '';
    state.lms = session.connected;
    if (session.connected) {
      learner.id = session.get('cmi.core.student_id') || '';    // handed to reporters only; never logged
      learner.name = session.get('cmi.core.student_name') || '';
      entry = session.get('cmi.core.entry') || '';
      location = session.get('cmi.core.lesson_location') || '';
      stored = session.get('cmi.suspend_data') || '';
      state.status = session.get('cmi.core.lesson_status') || '';
      session.get('cmi.core.credit');
      const mode = session.get('cmi.core.lesson_mode');    // null (401) or "": normal
      state.mode = mode === 'browse' || mode === 'review' ? mode : 'normal';
      state.tracking = state.mode === 'normal';
      written.suspend = stored;
      written.location = location;
    }

    const restored = stored ? decodeSuspend(stored) : null;
    if (restored) {
      state.visited = restored.visited;
      state.quiz = restored.quiz;
    } else if (stored) {
      notice('info', text('course_updated'));   // another version's data: progress restarts, status stays
    }

    if (!session.connected) notice('mode', text('no_lms'));
    else if (!state.tracking) notice('mode', text('review_mode'));
    if (TERMINAL.includes(state.status)) notice('complete', text('course_complete'));

    let wroteStatus = false;
    if (state.tracking) {
      if (state.status === '' || state.status === 'not attempted') {
        wroteStatus = session.set('cmi.core.lesson_status', 'incomplete');
        if (wroteStatus) state.status = 'incomplete';
      }
      writeExit();
    }

    ui.tocButtons.forEach((button) => {
      button.addEventListener('click', () => {
        ui.toc.classList.remove('is-open');
        ui.tocToggle.setAttribute('aria-expanded', 'false');
        go(viewIndex(button.dataset.goto));
      });
    });
    ui.tocToggle.addEventListener('click', () => {
      const open = !ui.toc.classList.contains('is-open');
      ui.toc.classList.toggle('is-open', open);
      ui.tocToggle.setAttribute('aria-expanded', String(open));
    });
    // Links between lessons: the builder turns them into <a href="#lesson-<id>" data-goto-lesson>.
    document.addEventListener('click', (event) => {
      const link = event.target.closest('[data-goto-lesson]');
      const target = link ? viewIndex(`lesson:${link.dataset.gotoLesson}`) : -1;
      if (target < 0) return;
      event.preventDefault();
      go(target);
    });
    ui.prev.addEventListener('click', () => go(state.current - 1));
    ui.next.addEventListener('click', () => go(state.current + 1));
    if (quiz) {
      ui.form.addEventListener('change', onAnswer);
      ui.form.addEventListener('submit', scoreQuiz);
      renderQuiz();
    }

    emit('start', { entry, mode: state.lms ? state.mode : 'no-lms', resumed: Boolean(restored),
      learner: { id: learner.id, name: learner.name }, status: state.status });
    const target = viewIndex(location);
    if (entry === 'resume' && target >= 0 && restored) showResumePrompt(target);
    else go(0, { focus: false });
    if (state.tracking && (wroteStatus || session.dirty)) session.commitNow();
  }

  start();

  // A small read-only view of the player for tests and debugging (no learner data).
  window.coursepack = Object.freeze({
    state: () => ({
      view: state.current >= 0 ? views[state.current].key : null,
      visited: lessons.filter((_, i) => state.visited[i]).map((lesson) => lesson.id),
      answers: Object.fromEntries(questions.map((q, i) => [q.id, state.quiz.answers[i] === '-' ? null : state.quiz.answers[i]])),
      quiz: quiz ? { phase: state.quiz.phase, attemptsUsed: state.quiz.used, score: state.quiz.score } : null,
      progress: Number(ui.progress.getAttribute('aria-valuenow')),
      status: state.status,
      mode: state.lms ? state.mode : 'no-lms',
      resumePrompt: !ui.resume.hidden,
    }),
  });
})();
