/*
 * coursepack player, entry point (copied to assets/player.js; loaded last).
 *
 * The lessons are already in the page. This script reads the runtime configuration, builds what
 * the player's parts share (the helpers below, the views, the page's elements and the learner's
 * state), creates the parts that the scripts before it registered on CoursepackPlayer, starts the
 * session and exposes window.coursepack. The parts, each created with that shared object `p`
 * and reaching the others through it (p.tracking.setStatus(), p.nav.go() ...):
 *   suspend.js   suspend_data format v2 (docs/architecture.md, section 5): encode and decode
 *   tracking.js  the LMS: launch data, the tracking rules (section 4), writes, commits, session end
 *   nav.js       one view at a time: contents, Previous/Next, resume prompt, progress, focus
 *   quizview.js  the quiz view: attempt, checking, scoring, results, retakes, the course evaluation
 *   certview.js  the certificate offer and view
 * Needs assets/scorm12.js and assets/quiz.js (and certificate.js with the certificate) first;
 * docs/architecture.md, section 7 lists the `coursepack` events. Classic scripts, no dependencies.
 */
;(function (global) {
  'use strict';

  const PARTS = ['suspend', 'tracking', 'nav', 'quizview', 'certview'];   // assets/<name>.js, created in this order
  const parts = global.CoursepackPlayer || {};
  const missing = PARTS.filter((name) => !parts[name]);
  if (missing.length) {
    throw new Error(`[coursepack] load ${missing.map((name) => `assets/${name}.js`).join(', ')} before assets/player.js`);
  }

  const config = JSON.parse(document.getElementById('course-config').textContent);
  const strings = config.strings || {};
  const lessons = config.lessons || [];
  const quiz = config.quiz || null;
  const evaluation = quiz ? quiz.evaluation || null : null;
  const engine = quiz ? global.CoursepackQuiz.create(config, text) : null;
  const DEBUG = /coursepack-debug/.test(window.location.search + window.location.hash);

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
  // detail is {type, ...}. Types: start, view, scored, evaluated, status, certificate, end.
  // Listeners must not throw.
  function emit(type, detail = {}) {
    try {
      document.dispatchEvent(new CustomEvent('coursepack', { detail: { type, ...detail } }));
    } catch (error) {
      if (DEBUG) console.warn('[coursepack] event listener failed', error);
    }
  }

  // The text of a [data-notice] (role="status"): mode, info, save, complete, quiz, evaluation.
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

  // ------------------------------------------------------------------ state
  // A new attempt: a seed, the questions it draws (plan) and their unanswered state.
  function freshQuiz(used = 0) {
    if (!quiz) return { used: 0, phase: 'n', seed: '', plan: { questions: [] }, answers: [], checked: [], score: null };
    const seed = global.CoursepackQuiz.newSeed();
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
  const learner = { id: '', name: '' };    // from the LMS (tracking.js); for reporters and the certificate

  // ------------------------------------------------------------------ the parts
  const p = {
    config, lessons, quiz, evaluation, engine, DEBUG, $, $$, text, formatNumber, el, emit, notice,
    views, QUIZ_VIEW, viewIndex, ui, state, learner, freshQuiz, freshEvaluation,
  };
  for (const name of PARTS) p[name] = parts[name].create(p);   // tracking.js connects to the LMS
  Object.freeze(p);

  // ------------------------------------------------------------------ start
  function start() {
    const { entry, location, restored } = p.tracking.begin();
    p.nav.bind();
    p.certview.bind();
    p.quizview.bind();
    emit('start', { entry, mode: state.lms ? state.mode : 'no-lms', resumed: Boolean(restored),
      learner: { id: learner.id, name: learner.name }, status: state.status });
    const target = viewIndex(location);
    if (entry === 'resume' && target >= 0 && restored) p.nav.showResumePrompt(target);
    else p.nav.go(0, { focus: false });
    p.tracking.commitLaunch();
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
      certificate: p.certview.summary(),
    }),
  });
})(window);
