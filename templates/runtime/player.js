/*
 * coursepack player (copied to assets/player.js; needs assets/scorm12.js and assets/quiz.js first).
 *
 * The lessons are already in the page: this script shows one view at a time, runs the quiz
 * (question types, layouts and scoring come from quiz.js) and the course evaluation, and applies
 * the tracking rules of docs/architecture.md (section 4) and the suspend_data format v2
 * (section 5). Classic script, no dependencies.
 */
;(function () {
  'use strict';

  const SCORM = window.CoursepackSCORM;
  const config = JSON.parse(document.getElementById('course-config').textContent);
  const strings = config.strings || {};
  const lessons = config.lessons || [];
  const quiz = config.quiz || null;
  const evaluation = quiz ? quiz.evaluation || null : null;
  const engine = quiz ? window.CoursepackQuiz.create(config, text) : null;
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
    questions: $('[data-questions]'),
    live: $('[data-quiz-live]'),
    evaluation: $('[data-evaluation]'),
    evaluationForm: $('[data-evaluation-form]'),
    evaluationItems: $('[data-evaluation-items]'),
    evaluationSubmit: $('[data-evaluation-submit]'),
    evaluationDone: $('[data-evaluation-done]'),
  };
  let entries = [];              // the current attempt's questions as drawn (quiz.js render entries)
  let evaluationEntries = [];    // the evaluation's likert items

  // ------------------------------------------------------------------ state
  // A new attempt: a seed, the questions it draws (plan) and their unanswered state.
  function freshQuiz(used = 0) {
    if (!quiz) return { used: 0, phase: 'n', seed: '', plan: { questions: [] }, answers: [], checked: [], score: null };
    const seed = window.CoursepackQuiz.newSeed();
    const plan = engine.layout(seed);
    return { used, phase: 'n', seed, plan, answers: engine.initialAnswers(plan), checked: plan.questions.map(() => false),
      score: null };
  }
  const freshEvaluation = () => ({ submitted: false, answers: evaluation ? evaluation.items.map(() => null) : [] });

  const state = {
    current: -1,                           // index into views; -1 while the resume prompt shows
    visited: lessons.map(() => false),
    quiz: freshQuiz(),                     // phase: n not started, p in progress, s scored
    evaluation: freshEvaluation(),         // the course evaluation: submitted, likert answers
    status: '',                            // cmi.core.lesson_status as last read or written
    mode: 'normal',                        // normal | browse | review
    tracking: false,                       // an LMS in normal mode: progress is written
    lms: false,                            // an LMS was found and initialized
  };
  const written = { suspend: null, location: null, exit: null };   // avoid re-sending equal values
  let answeredAt = [];                                               // Date of each answer, this attempt
  let attemptShownAt = null;                                         // Date the attempt was first shown
  const evaluationAnsweredAt = [];                                   // Date of each evaluation answer
  let evaluationShownAt = null;
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

  // Score of the current attempt: weighted percentage, at most 2 decimals (quiz.js).
  const evaluate = () => engine.evaluate(state.quiz.plan, state.quiz.answers, config.passMark);
  // A required evaluation must be sent before the course counts as complete.
  const evaluationSettled = () => !evaluation || !evaluation.required || state.evaluation.submitted;

  // 'passed', 'failed' or null (no attempt scored yet). A retake is only offered after a
  // failed attempt, so an unscored quiz with attempts used means the last attempt failed.
  function quizOutcome() {
    if (!quiz) return null;
    if (state.quiz.phase === 's') return evaluate().passed ? 'passed' : 'failed';
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
      if (outcome === 'passed' && evaluationSettled()) return pass;
      if (lessonsDone && evaluationSettled()) return 'completed';
      return outcome === 'failed' ? fail : null;
    }
    if (outcome === 'passed') return (rule === 'quiz' || lessonsDone) && evaluationSettled() ? pass : 'incomplete';
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
    if (changed && TERMINAL.includes(next)) rememberCompletion();
    if (changed) emit('status', { status: next, certificate: certificateRecord({ askLms: false }) });
    if (TERMINAL.includes(next)) notice('complete', text('course_complete'));
    return changed;
  }

  function writeExit(status = state.status) {
    if (!state.tracking) return;
    const exit = exitFor(status);
    if (exit !== written.exit && session.set('cmi.core.exit', exit)) written.exit = exit;
  }

  // ------------------------------------------------------------------ suspend_data v2 (section 5)
  // Flags as base64url digits, 6 per character (bit i % 6 of character i / 6).
  function bitmap(flags) {
    let out = '';
    for (let i = 0; i < flags.length; i += 6) {
      let digit = 0;
      for (let bit = 0; bit < 6 && i + bit < flags.length; bit++) if (flags[i + bit]) digit |= 1 << bit;
      out += BASE64URL[digit];
    }
    return out;
  }

  function readBitmap(textValue, n) {
    if (textValue.length !== Math.ceil(n / 6) || /[^A-Za-z0-9_-]/.test(textValue)) return null;
    return Array.from({ length: n }, (_, i) => (BASE64URL.indexOf(textValue[Math.floor(i / 6)]) & (1 << (i % 6))) !== 0);
  }

  // The first n fields separated by `separator`, then everything after them (which may hold it).
  function splitFields(textValue, separator, n) {
    const out = [];
    let at = 0;
    for (let k = 0; k < n; k++) {
      const next = textValue.indexOf(separator, at);
      if (next < 0) return null;
      out.push(textValue.slice(at, next));
      at = next + 1;
    }
    out.push(textValue.slice(at));
    return out;
  }

  const evaluationField = () => (state.evaluation.submitted ? 's' : '-')
    + state.evaluation.answers.map((a) => a || '-').join('');

  function readEvaluation(field) {
    const points = evaluation.scale.map((p) => p.id);
    if (field.length !== 1 + evaluation.items.length || !/^[-s]$/.test(field[0])) return null;
    const answers = field.slice(1).split('').map((c) => (c === '-' ? null : c));
    if (answers.some((a) => a !== null && !points.includes(a))) return null;
    return { submitted: field[0] === 's', answers };
  }

  function encodeSuspend() {
    let quizPart = '';
    if (quiz) {
      const q = state.quiz;
      const used = Math.min(q.used, quiz.attempts || MAX_STORED_ATTEMPTS);
      const fields = [used.toString(36), q.phase, q.score === null ? '' : String(q.score)];
      if (quiz.randomized) fields.push(q.seed);
      if (quiz.feedback === 'after-question') fields.push(bitmap(q.checked));
      if (evaluation) fields.push(evaluationField());
      fields.push(engine.encodeAnswers(q.plan, q.answers));
      quizPart = fields.join('.');
    }
    return ['2', config.fingerprint, bitmap(state.visited), quizPart].join('~');
  }

  // {visited, quiz, evaluation} from stored data, or null when it is not this course's data.
  function decodeSuspend(data) {
    const head = splitFields(data, '~', 3);
    if (!head) return null;
    if (head[0] === '1') return decodeSuspendV1(head);
    if (head[0] !== '2' || head[1] !== config.fingerprint) return null;
    const visited = readBitmap(head[2], lessons.length);
    if (!visited) return null;
    if (!quiz) return head[3] === '' ? { visited, quiz: freshQuiz(), evaluation: freshEvaluation() } : null;
    const extra = (quiz.randomized ? 1 : 0) + (quiz.feedback === 'after-question' ? 1 : 0) + (evaluation ? 1 : 0);
    const f = splitFields(head[3], '.', 3 + extra);
    if (!f || !/^[0-9a-z]{1,2}$/.test(f[0]) || !/^[nps]$/.test(f[1]) || !/^(\d{1,3})?$/.test(f[2])) return null;
    let k = 3;
    const seed = quiz.randomized ? f[k++] : '00000';
    if (!/^[0-9a-z]{5}$/.test(seed)) return null;
    const plan = engine.layout(seed);
    const checked = quiz.feedback === 'after-question' ? readBitmap(f[k++], plan.questions.length)
      : plan.questions.map(() => false);
    const restoredEvaluation = evaluation ? readEvaluation(f[k++]) : freshEvaluation();
    if (!checked || !restoredEvaluation) return null;
    let answers;
    try {
      answers = engine.decodeAnswers(plan, f[k]);
    } catch (error) {
      if (DEBUG) console.warn('[coursepack] stored answers do not fit this quiz:', error.message);
      return null;
    }
    const score = f[2] === '' ? null : Math.min(100, Number(f[2]));
    return { visited, quiz: { used: parseInt(f[0], 36), phase: f[1], seed, plan, answers, checked, score },
      evaluation: restoredEvaluation };
  }

  // Format v1 (true-false answers in quiz order), kept readable for courses it still fits.
  function decodeSuspendV1(head) {
    if (!config.fingerprintV1 || head[1] !== config.fingerprintV1) return null;
    const visited = readBitmap(head[2], lessons.length);
    if (!visited) return null;
    if (!quiz) return head[3] === '' ? { visited, quiz: freshQuiz(), evaluation: freshEvaluation() } : null;
    const m = /^([0-9a-z]{1,4})\.([nps])\.([tf-]*)\.(\d{0,3})$/.exec(head[3]);
    const plan = engine.layout('00000');
    if (!m || m[3].length !== plan.questions.length) return null;
    return {
      visited,
      quiz: { used: Math.min(parseInt(m[1], 36), MAX_STORED_ATTEMPTS), phase: m[2], seed: '00000', plan,
        answers: m[3].split('').map((c) => (c === '-' ? null : c)), checked: plan.questions.map(() => false),
        score: m[4] === '' ? null : Math.min(100, Number(m[4])) },
      evaluation: freshEvaluation(),
    };
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
    closeCertificate({ focus: false });
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
      if (i === state.current && !certificate.open) button.setAttribute('aria-current', 'page');
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
    renderCertificateAccess();
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

  // ------------------------------------------------------------------ quiz (question types: quiz.js)
  const canRetake = () => quizEditable() && quizOutcome() === 'failed' && attemptsLeft() > 0;
  // The quiz is over once it is passed or every attempt is used; then the evaluation opens.
  const quizOver = () => quizOutcome() === 'passed' || (quizOutcome() === 'failed' && attemptsLeft() === 0);
  const revealAllowed = (passed) => quiz.reveal === 'always' || (quiz.reveal === 'after-passing' && passed);
  const creditClass = (c) => (c === null ? 'is-neutral' : c === 1 ? 'is-correct' : c > 0 ? 'is-partial' : 'is-wrong');
  const creditLabel = (c) => (c === null ? 'recorded' : c === 1 ? 'correct' : c > 0 ? 'partly_correct' : 'incorrect');
  const quizHooks = {
    checkable: Boolean(quiz) && quiz.feedback === 'after-question',
    changed: (i, options) => onAnswer(i, options),
    check: (i) => checkQuestion(i),
    announce: (message) => { ui.live.textContent = message; },
  };

  // Draw the current attempt's questions and show its answers (start, resume, retake).
  function renderAttempt() {
    entries = engine.render(state.quiz.plan, ui.questions, quizHooks);
    entries.forEach((entry, i) => engine.write(entry, state.quiz.answers[i]));
  }

  // Feedback on one answer: the verdict, the answer, the right one (when revealed), what the
  // chosen choices say, and the explanation (withheld with a wrong answer the rules keep hidden).
  function feedbackNodes(question, value, credit, passed) {
    const reveal = revealAllowed(passed);
    const nodes = [el('p', { class: 'feedback-result' }, text(creditLabel(credit))),
      el('p', {}, text('your_answer', { answer: engine.readable(question, value) }))];
    if (credit !== null && credit < 1 && reveal) nodes.push(el('p', { class: 'feedback-correct' }, engine.correctText(question)));
    engine.choiceFeedback(question, value).forEach((message) => nodes.push(el('p', { class: 'feedback-choice' }, message)));
    const explanation = engine.explanation(question);
    if (explanation && (credit === null || credit === 1 || reveal)) {
      nodes.push(el('p', { class: 'feedback-explanation' }, explanation));
    }
    return nodes;
  }

  function showCheckedFeedback(i) {
    const entry = entries[i];
    const value = state.quiz.answers[i];
    entry.feedback.replaceChildren(...feedbackNodes(entry.question, value, engine.credit(entry.question, value), false));
    entry.feedback.className = `question-feedback ${creditClass(engine.credit(entry.question, value))}`;
    entry.feedback.hidden = false;
  }

  function renderQuiz() {
    if (!quiz) return;
    const q = state.quiz;
    const editable = quizEditable();
    const scored = q.phase === 's';
    entries.forEach((entry, i) => {
      engine.lock(entry, !editable || scored || q.checked[i]);
      if (q.checked[i] && !scored) showCheckedFeedback(i);
      else {
        entry.feedback.hidden = true;
        entry.feedback.replaceChildren();
      }
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
    renderEvaluation();
  }

  function renderResults() {
    const result = evaluate();
    const plan = state.quiz.plan;
    const heading = el('h3', { tabindex: '-1' }, text('results_title'));
    ui.results.replaceChildren(
      heading,
      el('p', { class: 'score' }, text('score_text', { score: formatNumber(result.score) })),
      el('p', { class: result.passed ? 'verdict is-pass' : 'verdict is-fail' },
        text(result.passed ? 'verdict_passed' : 'verdict_failed')),
      el('p', {}, text('pass_mark_text', { pass_mark: formatNumber(config.passMark) })));
    if (!result.passed && quiz.attempts && quizEditable()) {
      const left = attemptsLeft();
      ui.results.append(el('p', {}, left > 0 ? text('attempts_remaining', { n: left }) : text('no_attempts_left')));
      if (left === 0 && quiz.outOfAttempts) ui.results.append(el('p', { class: 'out-of-attempts' }, quiz.outOfAttempts));
    }
    if (evaluation && evaluation.required && quizOver() && !state.evaluation.submitted && quizEditable()) {
      ui.results.append(el('p', { class: 'notice', 'data-evaluation-needed': '' }, text('evaluation_needed')));
    }
    if (quiz.feedback !== 'never') {
      const items = plan.questions.map((question, i) => el('li',
        { class: creditClass(result.credits[i]), 'data-feedback-for': question.id },
        el('p', { class: 'feedback-question' }, question.text),
        ...feedbackNodes(question, state.quiz.answers[i], result.credits[i], result.passed)));
      ui.results.append(el('h4', {}, text('feedback_title')), el('ol', { class: 'feedback' }, ...items));
    }
    if (canRetake()) {
      const retakeButton = el('button', { type: 'button', class: 'button primary' }, text('retake_quiz'));
      retakeButton.addEventListener('click', retake);
      ui.results.append(el('div', { class: 'button-row' }, retakeButton));
    }
    ui.results.hidden = false;
    return heading;
  }

  // An answer changed in question i (typing updates the state; the change event saves it).
  function onAnswer(i, { typing = false } = {}) {
    if (!quizEditable() || state.quiz.phase === 's' || state.quiz.checked[i]) return;
    const entry = entries[i];
    const value = engine.read(entry);
    state.quiz.answers[i] = value;
    state.quiz.phase = 'p';
    answeredAt[i] = new Date();
    if (engine.complete(entry.question, value)) engine.markMissing(entry, false);
    if (typing) return;
    saveProgress();
    if (state.tracking) session.requestCommit();
  }

  // "Check answer" (feedback: after-question): the answer is final for this attempt.
  function checkQuestion(i) {
    if (!quizEditable() || state.quiz.phase === 's' || state.quiz.checked[i]) return;
    onAnswer(i, { typing: true });
    const entry = entries[i];
    if (!engine.complete(entry.question, state.quiz.answers[i])) {
      entry.feedback.replaceChildren(el('p', { class: 'feedback-hint' }, text('answer_first')));
      entry.feedback.className = 'question-feedback';
      entry.feedback.hidden = false;
      return;
    }
    state.quiz.checked[i] = true;
    engine.lock(entry, true);
    showCheckedFeedback(i);
    entry.feedback.focus();
    ui.live.textContent = text(creditLabel(engine.credit(entry.question, state.quiz.answers[i])));
    saveProgress();
    if (state.tracking) session.requestCommit();
  }

  // Each presented question as reported: SCORM 1.2 response and patterns plus readable forms.
  function describeAnswers(result) {
    const now = new Date();
    return state.quiz.plan.questions.map((question, i) => {
      const value = state.quiz.answers[i];
      const credit = result.credits[i];
      return {
        id: question.id, type: question.interaction, kind: question.type, text: question.text,
        response: engine.response(question, value), responseText: engine.readable(question, value),
        patterns: engine.patterns(question),
        result: credit === null ? 'neutral' : credit === 1 ? 'correct' : 'wrong',
        correct: credit === null ? null : credit === 1, credit, weight: Number(question.weight),
        latencyMs: (answeredAt[i] || now) - (attemptShownAt || now), at: answeredAt[i] || now,
      };
    });
  }

  const forEvent = (records) => records.map(({ at, ...rest }) => rest);

  function scoreQuiz(event) {
    event.preventDefault();
    if (!quizEditable() || state.quiz.phase === 's') return;
    entries.forEach((entry, i) => { if (!state.quiz.checked[i]) state.quiz.answers[i] = engine.read(entry); });
    const missing = entries.map((_, i) => i).filter((i) => !engine.complete(entries[i].question, state.quiz.answers[i]));
    entries.forEach((entry, i) => engine.markMissing(entry, missing.includes(i)));
    if (missing.length) {
      notice('quiz', text('unanswered', { n: missing.length }));
      engine.firstControl(entries[missing[0]]).focus();
      return;
    }
    notice('quiz', '');
    const result = evaluate();
    const q = state.quiz;
    q.used += 1;
    q.phase = 's';
    q.score = Math.floor(result.score);       // stored as an integer; the exact score is re-computed
    const answers = describeAnswers(result);
    emit('scored', {
      attempt: q.used,
      score: result.score,
      passed: result.passed,
      attemptsLeft: quiz.attempts ? attemptsLeft() : null,
      answers: forEvent(answers),
    });
    if (state.tracking) record(result, answers);
    else setStatus(wantedStatus());
    renderQuiz();
    renderNav();
    $('h3', ui.results).focus();
    ui.live.textContent = `${text('score_text', { score: formatNumber(result.score) })} `
      + text(result.passed ? 'verdict_passed' : 'verdict_failed');
  }

  // Journal records at cmi.interactions._count: id first, then type, response, patterns, result,
  // weighting, latency, time (section 4). LMSs may not implement interactions (401): skipped.
  function appendInteractions(records) {
    const countText = session.get('cmi.interactions._count');
    const count = countText ? Number(countText) : NaN;
    if (!(Number.isInteger(count) && count >= 0)) return;
    records.every((r, i) => {
      const n = `cmi.interactions.${count + i}.`;
      if (!session.set(`${n}id`, r.id)) return false;   // indices must stay sequential
      session.set(`${n}type`, r.type);
      session.set(`${n}student_response`, r.response);
      r.patterns.forEach((pattern, k) => session.set(`${n}correct_responses.${k}.pattern`, pattern));
      session.set(`${n}result`, r.result);
      session.set(`${n}weighting`, String(r.weight));
      session.set(`${n}latency`, SCORM.timespan(r.latencyMs));
      session.set(`${n}time`, SCORM.timeOfDay(r.at));
      return true;
    });
  }

  // Section 4, "Quiz submit": interactions at _count, then the score, the status, one commit.
  function record(result, answers) {
    const next = wantedStatus();
    const statusAfter = mayWrite(state.status, next) ? next : state.status;
    saveProgress();
    writeExit(statusAfter);
    appendInteractions(answers);
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
    state.quiz = freshQuiz(state.quiz.used);
    state.quiz.phase = 'p';
    answeredAt = [];
    attemptShownAt = new Date();
    notice('quiz', '');
    renderAttempt();
    renderQuiz();
    saveProgress();
    if (state.tracking) session.requestCommit();
    window.scrollTo(0, 0);
    $('h2', views[QUIZ_VIEW].el).focus({ preventScroll: true });
  }

  // ------------------------------------------------------------------ course evaluation
  let commentBox = null;

  function renderEvaluationItems() {
    if (!evaluation) return;
    const hooks = { checkable: false, changed: onEvaluationAnswer, announce: () => {}, missingText: 'evaluation_item_unanswered' };
    evaluationEntries = evaluation.items.map((item, i) => engine.renderLikert({ ...item, position: i }, evaluation.scale, hooks));
    const nodes = evaluationEntries.map((entry) => entry.fieldset);
    if (evaluation.comment) {
      const hint = el('p', { class: 'question-hint', id: 'evaluation-comment-hint' },
        text('evaluation_comment_hint', { n: evaluation.comment.maxLength }));
      commentBox = el('textarea', { id: 'evaluation-comment', rows: '4', maxlength: String(evaluation.comment.maxLength),
        'aria-describedby': hint.id, 'data-evaluation-comment': '' });
      nodes.push(el('div', { class: 'field evaluation-comment' },
        el('label', { for: commentBox.id }, evaluation.comment.text), hint, commentBox));
    }
    ui.evaluationItems.replaceChildren(...nodes);
    evaluationEntries.forEach((entry, i) => engine.write(entry, state.evaluation.answers[i]));
  }

  function renderEvaluation() {
    if (!evaluation) return;
    const submitted = state.evaluation.submitted;
    const editable = quizEditable() && !submitted;
    const shown = submitted || (quizEditable() && quizOver());
    ui.evaluation.hidden = !shown;
    if (shown && !evaluationShownAt) evaluationShownAt = new Date();
    evaluationEntries.forEach((entry) => engine.lock(entry, !editable));
    if (commentBox) {
      commentBox.disabled = !editable;
      commentBox.closest('.field').hidden = submitted;   // the comment goes to the LMS, not to suspend_data
    }
    ui.evaluationSubmit.hidden = !editable;
    ui.evaluationDone.textContent = submitted ? text('evaluation_thanks') : '';
  }

  function onEvaluationAnswer(i) {
    if (!quizEditable() || state.evaluation.submitted) return;
    state.evaluation.answers[i] = engine.read(evaluationEntries[i]);
    evaluationAnsweredAt[i] = new Date();
    engine.markMissing(evaluationEntries[i], false);
    saveProgress();
    if (state.tracking) session.requestCommit();
  }

  function submitEvaluation(event) {
    event.preventDefault();
    if (!quizEditable() || state.evaluation.submitted || !quizOver()) return;
    const answers = evaluationEntries.map((entry) => engine.read(entry));
    state.evaluation.answers = answers;
    const missing = answers.map((_, i) => i).filter((i) => answers[i] === null);
    evaluationEntries.forEach((entry, i) => engine.markMissing(entry, missing.includes(i)));
    if (missing.length) {
      notice('evaluation', text('evaluation_unanswered', { n: missing.length }));
      engine.firstControl(evaluationEntries[missing[0]]).focus();
      return;
    }
    notice('evaluation', '');
    // One line of at most 255 characters (CMIString255; LMS runtimes reject line breaks in responses).
    const comment = commentBox ? commentBox.value.replace(/\s+/g, ' ').trim().slice(0, evaluation.comment.maxLength) : '';
    const now = new Date();
    const shownAt = evaluationShownAt || now;
    const neutral = { patterns: [], result: 'neutral', correct: null, credit: null, weight: 0 };
    const records = evaluation.items.map((item, i) => ({
      id: item.id, type: 'likert', kind: 'likert', text: item.text, response: answers[i],
      responseText: (evaluation.scale.find((p) => p.id === answers[i]) || {}).text, ...neutral,
      latencyMs: (evaluationAnsweredAt[i] || now) - shownAt, at: evaluationAnsweredAt[i] || now,
    }));
    if (comment) {
      records.push({ id: evaluation.comment.id, type: 'fill-in', kind: 'comment', text: evaluation.comment.text,
        response: comment, responseText: comment, ...neutral, latencyMs: now - shownAt, at: now });
    }
    state.evaluation.submitted = true;
    emit('evaluated', { required: evaluation.required, answers: forEvent(records), comment: comment || null });
    if (state.tracking) recordEvaluation(records);
    else setStatus(wantedStatus());
    renderQuiz();
    renderNav();
    ui.evaluationDone.focus();
  }

  // The evaluation never touches the score: likert (and comment) interactions, the status, a commit.
  function recordEvaluation(records) {
    const next = wantedStatus();
    saveProgress();
    writeExit(mayWrite(state.status, next) ? next : state.status);
    appendInteractions(records);
    setStatus(next);
    session.commitNow();
  }

  // ------------------------------------------------------------------ certificate
  // Offered once the course is passed or completed (a required evaluation included) with the
  // quiz, if any, passed; in every LMS mode, since Moodle reopens a finished attempt in review.
  // SCORM 1.2 has no completion date: the date is kept in this browser when the completion
  // happens; a learner who completed elsewhere gets the date the certificate is first shown here.
  const CERT = config.certificate ? window.CoursepackCertificate || null : null;
  const certificate = {
    view: $('[data-view="certificate"]'),
    offer: $('[data-certificate-offer]'),
    entry: $('[data-certificate-entry]'),
    open: false,
    date: null,
    lmsScore: undefined,                   // cmi.core.score.raw, read only when the quiz state is unknown
  };
  const certificateKey = () => `coursepack-certificate:${config.course.id}:${learner.id}`;

  function localDate(d = new Date()) {
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function storedScore() {
    if (certificate.lmsScore === undefined) {
      const raw = session.connected ? session.get('cmi.core.score.raw') : '';
      certificate.lmsScore = raw && Number.isFinite(Number(raw)) ? Number(raw) : null;
    }
    return certificate.lmsScore;
  }

  // askLms: whether the LMS's score may be read (never in the middle of a status write).
  function certificateEarned({ askLms = true } = {}) {
    if (!CERT || !certificate.view || !state.lms || !TERMINAL.includes(state.status)) return false;
    if (!quiz) return true;
    const outcome = quizOutcome();
    if (outcome === 'passed') return evaluationSettled();
    if (outcome !== null || (!askLms && certificate.lmsScore === undefined)) return false;
    return storedScore() !== null && storedScore() >= config.passMark;   // the progress was reset by an update
  }

  function rememberCompletion() {
    if (!CERT || !state.lms) return;
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
  function certificateRecord(options) {
    if (!certificateEarned(options)) return null;
    const date = completionDate();
    return { code: CERT.verificationCode(config.course.id, config.course.version, learner.id, date), date };
  }

  function renderCertificateAccess() {
    if (!certificate.view) return;
    const earned = certificateEarned();
    if (certificate.offer) certificate.offer.hidden = !earned || certificate.open || state.current < 0;
    if (!certificate.entry) return;                 // a template override may leave either out
    certificate.entry.hidden = !earned;
    const button = $('button', certificate.entry);
    if (certificate.open) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }

  // Fill in the learner's parts (an override may leave any of them out).
  function fillCertificate(record) {
    const fill = (selector, value) => $$(selector, certificate.view).forEach((node) => { node.textContent = value; });
    const when = new Date(`${record.date}T12:00:00Z`);
    fill('[data-certificate-date]', new Intl.DateTimeFormat(config.course.language || 'en',
      { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(when));
    $$('[data-certificate-date]', certificate.view).forEach((node) => node.setAttribute('datetime', record.date));
    fill('[data-certificate-name]', CERT.displayName(learner.name) || text('certificate_no_name'));
    fill('[data-certificate-code]', record.code);
    if (quiz) {
      const score = quizOutcome() === 'passed' ? evaluate().score : storedScore();
      fill('[data-certificate-score]', text('certificate_score_value', { score: formatNumber(score) }));
    }
  }

  function openCertificate() {
    const record = certificateRecord();
    if (!record) return;
    fillCertificate(record);
    views.forEach((view) => { view.el.hidden = true; });
    ui.resume.hidden = true;
    ui.pager.hidden = true;
    certificate.view.hidden = false;
    certificate.open = true;
    document.body.classList.add('certificate-open');
    ui.toc.classList.remove('is-open');
    ui.tocToggle.setAttribute('aria-expanded', 'false');
    renderNav();
    emit('certificate', record);
    window.scrollTo(0, 0);
    $('h2', certificate.view).focus({ preventScroll: true });
  }

  // Back to the view the learner came from (or to the resume prompt).
  function closeCertificate({ focus = true } = {}) {
    if (!certificate.open) return;
    certificate.open = false;
    certificate.view.hidden = true;
    document.body.classList.remove('certificate-open');
    const back = state.current >= 0 ? views[state.current].el : ui.resume;
    back.hidden = false;
    ui.pager.hidden = state.current < 0;
    renderNav();
    if (focus) {
      window.scrollTo(0, 0);
      $('h2', back).focus({ preventScroll: true });
    }
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
      state.evaluation = restored.evaluation;
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
    if (certificate.view) {
      $$('[data-open-certificate]').forEach((button) => button.addEventListener('click', openCertificate));
      $$('[data-certificate-close]', certificate.view).forEach((b) => b.addEventListener('click', () => closeCertificate()));
      $$('[data-certificate-print]', certificate.view).forEach((b) => b.addEventListener('click', () => window.print()));
    }
    if (quiz) {
      ui.form.addEventListener('submit', scoreQuiz);
      if (evaluation) ui.evaluationForm.addEventListener('submit', submitEvaluation);
      renderAttempt();
      renderEvaluationItems();
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
      // answers of the current attempt in SCORM 1.2 response format (t/f for true-false), by question id
      answers: Object.fromEntries(state.quiz.plan.questions.map((q, i) => [q.id,
        state.quiz.answers[i] === null ? null : engine.response(q, state.quiz.answers[i])])),
      presented: state.quiz.plan.questions.map((q) => q.id),
      evaluation: evaluation ? { submitted: state.evaluation.submitted,
        answers: Object.fromEntries(evaluation.items.map((item, i) => [item.id, state.evaluation.answers[i]])) } : null,
      quiz: quiz ? { phase: state.quiz.phase, attemptsUsed: state.quiz.used, score: state.quiz.score } : null,
      progress: Number(ui.progress.getAttribute('aria-valuenow')),
      status: state.status,
      mode: state.lms ? state.mode : 'no-lms',
      resumePrompt: !ui.resume.hidden,
      certificate: certificate.view ? { available: certificateEarned(), open: certificate.open } : null,
    }),
  });
})();
