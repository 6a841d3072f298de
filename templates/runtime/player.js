/*
 * coursepack player, entry point (copied to assets/player.js; loaded last).
 *
 * Reads the runtime configuration, builds what the parts share (`p`: helpers, views, the page's
 * elements, the learner's state), connects the tracking adapter, creates the modules and the
 * parts (tracking, nav, quizview, certview) and wires them: a part never calls one that calls it
 * back, the links back are the callbacks given here (docs/architecture.md, section 1). Then
 * exposes window.coursepack and starts, once the adapter is ready (an adapter that must ask its
 * LMS over the network, cmi5.js, is ready later). Classic scripts, no dependencies.
 */
;(function (global) {
  'use strict';

  const PARTS = ['tracking', 'nav', 'quizview', 'certview'];   // assets/<name>.js
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
  const engine = global.CoursepackQuiz.create(config, text);
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

  // Build an element; children are nodes or plain strings (inserted as text, never as HTML);
  // attributes null, undefined or false are left out, true is "".
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : value);
    }
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
  const viewVisited = (i) => (i === QUIZ_VIEW ? state.quiz.phase !== 'n' || state.quiz.used > 0 : state.visited[i]);
  // The share of views visited, 0..1 (the progress bar; the adapter's progress measure).
  const progress = () => (views.length ? views.filter((_, i) => viewVisited(i)).length / views.length : 0);

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
    start: $('[data-start]'),
    startNew: $('[data-start-new]'),
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
    current: -1,                           // index into views; -1 while the start page shows
    visited: lessons.map(() => false),
    quiz: freshQuiz(),                     // phase: n not started, p in progress, s scored
    evaluation: freshEvaluation(),         // the course evaluation: submitted, likert answers
    status: '',                            // the adapter's status word, as last read or written
    mode: 'normal',                        // normal | browse | review
    tracking: false,                       // an LMS in normal mode: progress is written
    lms: false,                            // an LMS was found and initialized
    lrs: false,                            // no LMS, but an LRS records the launch's learner (xapi.js)
  };
  const learner = { id: '', name: '' };    // from the LMS (tracking.js) or the xAPI launch; for reporters and the certificate

  // ------------------------------------------------------------------ the parts, wired
  const p = Object.freeze({
    config, lessons, quiz, evaluation, engine, DEBUG, $, $$, text, formatNumber, el, emit, notice,
    views, QUIZ_VIEW, viewIndex, viewVisited, progress, ui, state, learner, freshQuiz, freshEvaluation,
  });
  const adapter = global.CoursepackAdapter.connect({   // initializes the LMS session
    session: global.CoursepackSession,
    xapi: global.CoursepackXapi || null,               // the xAPI reporter, for an adapter whose LMS is an LRS
    window: global,
    config,
    debug: DEBUG,
    onCommitFailure: () => notice('save', text('commit_failed')),
    onCommitRecovered: () => notice('save', ''),
  });
  const codec = global.CoursepackSuspend.create(config, engine, { debug: DEBUG });

  const tracking = parts.tracking.create(p, { adapter, codec, onStatus });
  const nav = parts.nav.create(p, { tracking, hooks: {
    leaving: () => certview.close({ focus: false }),
    quizShown: () => quizview.opened(),
    rendered: () => certview.renderAccess(),
    overlayOpen: () => certview.isOpen(),
    shown: () => commitLaunch(),
  } });
  const quizview = parts.quizview.create(p, { tracking, hooks: {
    changed: () => nav.render(),
    certificateReady: () => certview.available(),
  } });
  const certview = parts.certview.create(p, { tracking, hooks: {
    shown: () => { nav.closeToc(); nav.render(); },
    hidden: () => nav.render(),
  } });

  // A new status: the certificate's completion date, then the `status` event.
  function onStatus(status) {
    if (tracking.isDone(status)) certview.rememberCompletion();
    emit('status', { status, certificate: certview.record({ askLms: false }) });
  }

  // A button in the masthead ends the session as closing the page does, then leaves: to the LMS's
  // address (cmi5's returnURL), or by closing the window the LMS opened (tracking: launch: new-window).
  function showExit(leave) {
    const exit = el('button', { type: 'button', class: 'button exit', 'data-exit': true }, text('exit_course'));
    exit.addEventListener('click', () => {
      tracking.finish();
      exit.remove();                         // the session is over: nothing left to end
      leave();
    });
    ($('.masthead-inner') || document.body).append(exit);
  }

  // ------------------------------------------------------------------ start
  // What the launch wrote (the started status, exit) is committed once: with the resume prompt,
  // or else with the first view the learner opens from the start page, together with that view's
  // location and suspend_data (the LMS calls of a launch are those of a course without a start
  // page). Until then the session's 60 s commit and the end of the session keep it.
  let launchCommitted = false;
  function commitLaunch() {
    if (launchCommitted) return;
    launchCommitted = true;
    tracking.commitLaunch();
  }

  function start() {
    const { entry, location, restored, returnUrl, audio } = tracking.begin();
    // No LMS, but an xAPI launch names the learner (Tin Can launch parameters, or the relay with an
    // actor): the LRS is the record, so the certificate is offered, made out to that learner.
    const launched = !state.lms && global.CoursepackXapi ? global.CoursepackXapi.launchLearner() : null;
    if (launched) {
      Object.assign(learner, launched);
      state.lrs = true;
    }
    // cmi5's learner preferences: the audio is turned on or off at start-up (section 11.2).
    if (audio === 'off') $$('video, audio').forEach((media) => { media.muted = true; });
    if (returnUrl) showExit(() => window.location.assign(returnUrl));
    else if (config.tracking && config.tracking.launch === 'new-window') {
      showExit(() => {
        window.close();
        // A window the LMS did not open by script (or a frame) stays open: say that the session is over.
        if (!window.closed) notice('mode', text('course_exited'));
      });
    }
    nav.bind();
    certview.bind();
    quizview.bind();
    emit('start', { entry, mode: state.lms ? state.mode : 'no-lms', resumed: Boolean(restored),
      learner: { id: learner.id, name: learner.name }, status: state.status });
    const target = viewIndex(location);
    const resumable = entry === 'resume' && target >= 0 && Boolean(restored);
    nav.showStart(resumable ? target : -1);
    if (resumable) commitLaunch();
  }

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
      start: !ui.start.hidden,
      resumePrompt: !ui.start.hidden && !ui.resume.hidden,
      certificate: certview.summary(),
    }),
  });

  if (adapter.ready) adapter.ready.then(start);
  else start();
})(window);
