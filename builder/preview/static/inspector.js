/*
 * coursepack preview: the page around the course. It launches the course in the frame with the
 * strict test LMS of the package's format (/__preview__/test-lms.js: lms.js, SCORM 1.2, as
 * window.API; lms2004.js, SCORM 2004, as window.API_1484_11; its `profile` says which), keeps what
 * the "LMS" stored per learner in localStorage, shows every API call and the data model, reloads
 * the course when the server reports a new build, and shows the build's errors when a change does
 * not build.
 */
;(function () {
  'use strict';

  const LMS = window.CoursepackPreviewLMS;
  const PROFILE = LMS.profile;   // the data model's names: API object, core elements, interaction fields, limits
  const PREFS_KEY = 'coursepack-preview:prefs';
  const NAMES = [['Jane', 'Doe'], ['Sam', 'Lee'], ['Ana', 'García'], ['Kofi', 'Mensah'], ['Mei', 'Chen']];
  const ERROR_FNS = PROFILE.errorFunctions;
  const MAX_ROWS = 3000;
  const CMI5_RELAUNCH_DELAY_MS = 500;   // see startCmi5Session
  const CORE = PROFILE.core;
  const INTERACTION_FIELDS = PROFILE.interactionFields;

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  function readJSON(key) {
    try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { return null; }
  }

  function writeJSON(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or disabled */ }
  }

  const prefs = Object.assign({ nameFormat: 'last-first', strict: true, mode: 'normal', learner: 1 },
    readJSON(PREFS_KEY) || {});
  const savePrefs = () => writeJSON(PREFS_KEY, prefs);

  const ui = {
    frame: $('[data-course-frame]'),
    title: $('[data-course-title]'),
    status: $('[data-build-status]'),
    errors: $('[data-build-errors]'),
    errorsNote: $('[data-build-errors-note]'),
    errorsList: $('[data-build-errors-list]'),
    learner: $('[data-learner]'),
    sessionNo: $('[data-session]'),
    entry: $('[data-entry]'),
    calls: $('[data-calls]'),
    callsScroll: $('[data-calls-scroll]'),
    errorCounts: $$('[data-error-count]'),   // on the Calls tab and on the inspector's bar (seen when collapsed)
    warningCount: $('[data-warning-count]'),
    core: $('[data-core]'),
    suspend: $('[data-suspend]'),
    suspendLength: $('[data-suspend-length]'),
    suspendWorst: $('[data-suspend-worst]'),
    suspendMeter: $('[data-suspend-meter]'),
    suspendLimit: $('[data-suspend-limit]'),
    standard: $('[data-standard]'),
    interactions: $('[data-interactions]'),
    interactionCount: $('[data-interaction-count]'),
    other: $('[data-other]'),
    statements: $('[data-statements]'),
    xapiNote: $('[data-xapi-note]'),
    playerEvents: $('[data-player-events]'),
    buildSummary: $('[data-build-summary]'),
    buildWarnings: $('[data-build-warnings]'),
    nameFormat: $('[data-name-format]'),
    mode: $('[data-mode]'),
    strict: $('[data-strict]'),
    showErrorCalls: $('[data-show-error-calls]'),
  };

  const app = {
    build: null,            // the latest build state from the server
    server: null,           // the server token of the build in the frame
    loadedGood: null,       // the build (attempt number) in the frame
    session: null,          // the current LMS session (lms.js)
    sessionNumber: 0,
    frameHasCourse: false,
    busy: false,            // a close/launch is in progress
    queued: null,           // a launch asked for while busy
    errors: 0,
    registrations: new Set(),
    statements: 0,
    worstCase: null,
    lastView: null,         // the view the course showed when the frame was last closed
  };

  // ------------------------------------------------------------------ learners and storage
  function learner() {
    const [first, last] = NAMES[(prefs.learner - 1) % NAMES.length];
    const id = `learner_${prefs.learner}`;
    const name = prefs.nameFormat === 'first-last' ? `${first} ${last}` : `${last}, ${first}`;
    return { id, first, last, name };
  }

  const recordKey = () => `coursepack-preview:${(app.build && app.build.course.id) || 'course'}:${learner().id}`;

  // ------------------------------------------------------------------ frame and sessions
  function once(target, type, handler, timeoutMs) {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      target.removeEventListener(type, run);
      handler();
    };
    target.addEventListener(type, run);
    if (timeoutMs) setTimeout(run, timeoutMs);
  }

  // Navigate the frame away (the course gets pagehide and should call LMSFinish), then go on.
  function closeFrame(then) {
    if (!app.frameHasCourse) {
      endSession();
      then();
      return;
    }
    app.frameHasCourse = false;
    app.lastView = currentView();
    once(ui.frame, 'load', () => {
      endSession();
      then();
    }, 3000);
    ui.frame.src = 'about:blank';
  }

  function endSession() {
    const session = app.session;
    if (!session) return;
    const lost = session.abandon();
    if (lost) {
      const detail = lost.uncommitted.length
        ? `; ${lost.uncommitted.length} value(s) set since the last LMSCommit are lost: ${lost.uncommitted.join(', ')}` : '';
      note('warning', `the course closed without calling ${PROFILE.finish}${detail}`);
    }
    app.session = null;
  }

  function relaunch(reason, options = {}) {
    if (app.busy) {
      app.queued = { reason, options };
      return;
    }
    if (!app.build || !app.build.good) return;
    app.busy = true;
    closeFrame(() => {
      if (options.reset) {
        try { localStorage.removeItem(recordKey()); } catch (e) { /* ignore */ }
      }
      startSession(reason, options);
    });
  }

  function finishLaunch() {
    app.busy = false;
    if (app.queued) {
      const { reason, options } = app.queued;
      app.queued = null;
      relaunch(reason, options);
    }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
      const r = Math.floor(Math.random() * 16);
      return (c === 'x' ? r : (r % 4) + 8).toString(16);
    });
  }

  // The launch URL: the package's index.html plus the Tin Can launch parameters, so an xAPI
  // reporter in the course sends its statements to the preview's own little LRS.
  function courseUrl(who, registration) {
    const params = new URLSearchParams({
      endpoint: `${location.origin}/__preview__/xapi/`,
      auth: `Basic ${btoa('preview:preview')}`,
      actor: JSON.stringify({ objectType: 'Agent', name: `${who.first} ${who.last}`,
        account: { homePage: location.origin, name: who.id } }),
      registration,
    });
    return `/course/index.html?${params}`;
  }

  function startSession(reason, options) {
    if (app.build.cmi5Launch) {
      startCmi5Session(reason, options);
      return;
    }
    const who = learner();
    const record = readJSON(recordKey());
    app.sessionNumber += 1;
    const session = LMS.createSession({
      record, learner: who, mode: prefs.mode, strict: prefs.strict, number: app.sessionNumber,
      masteryScore: app.build.course.masteryScore,
      onCall, onCommit: (data) => writeJSON(recordKey(), data), onFinish: (data) => writeJSON(recordKey(), data),
    });
    app.session = session;
    window[PROFILE.api] = session.api;
    ui.learner.textContent = `${who.id} (${who.name})`;
    ui.sessionNo.textContent = String(app.sessionNumber);
    ui.entry.textContent = JSON.stringify(session.entry);
    sessionRow(session, who, reason);
    const registration = uuid();
    app.registrations.add(registration);
    once(ui.frame, 'load', () => {
      app.frameHasCourse = true;
      readCourseConfig();
      if (options.keepPlace) continueWhereLeft();
      scheduleData();
      finishLaunch();
    }, 15000);
    ui.frame.src = courseUrl(who, registration);
  }

  // A cmi5 package: the preview server plays the LMS (builder/preview/cmi5_lms.py). It continues the
  // learner's registration, writes LMS.LaunchData, records `launched` and answers with the launch URL
  // (endpoint, fetch, actor, registration, activityId). A cmi5 LMS offers no SCORM API.
  function startCmi5Session(reason, options) {
    const who = learner();
    app.sessionNumber += 1;
    delete window.API;
    ui.learner.textContent = `${who.id} (${who.name})`;
    ui.sessionNo.textContent = String(app.sessionNumber);
    ui.entry.textContent = 'cmi5';
    // Known before the LMS records `launched`, so the xAPI tab shows it; a learner with a registration keeps it.
    const registration = uuid();
    app.registrations.add(registration);
    // The closed course's last statements (terminated) leave in keepalive requests as its page goes:
    // give them a moment, since a launch abandons every session of the registration still open.
    const settle = app.sessionNumber > 1 ? CMI5_RELAUNCH_DELAY_MS : 0;
    new Promise((resolve) => { setTimeout(resolve, settle); }).then(() => fetch(app.build.cmi5Launch, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ learner: { id: who.id, name: `${who.first} ${who.last}` }, mode: prefs.mode, registration }),
    }))
      .then((response) => response.json().then((data) => {
        if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
        return data;
      }))
      .then((launch) => {
        app.registrations.add(launch.registration);
        keepAtBottom(() => ui.calls.append(el('tr', { class: 'session' }, el('td', { colspan: '4' },
          `Session ${app.sessionNumber}: ${reason} · ${who.id} (${who.name}) · cmi5 launch, ${launch.launchMode}` +
          ` · registration ${launch.registration}`))));
        once(ui.frame, 'load', () => {
          app.frameHasCourse = true;
          readCourseConfig();
          if (options.keepPlace) continueWhereLeft();
          finishLaunch();
        }, 15000);
        ui.frame.src = launch.url;
      })
      .catch((e) => {
        note('error', `preview: the cmi5 launch failed: ${e.message}`);
        finishLaunch();
      });
  }

  // The player's current view key (lesson:<id> or quiz), from its debug hook; null if unknown.
  function currentView() {
    try {
      const player = ui.frame.contentWindow.coursepack;
      return player && typeof player.state === 'function' ? player.state().view : null;
    } catch (e) {
      return null;
    }
  }

  // After a rebuild, bring the author back to the view they were on: press the resume prompt's
  // "Continue", or (a finished course does not resume) the table-of-contents entry of that view.
  function continueWhereLeft() {
    try {
      const doc = ui.frame.contentDocument;
      const prompt = doc.querySelector('[data-resume]');
      const button = prompt && !prompt.hidden ? prompt.querySelector('[data-resume-continue]') : null;
      if (button) {
        note('info', 'preview: pressed "Continue where I left off" to keep your place after the rebuild');
        button.click();
      }
      const wanted = app.lastView;
      if (wanted && currentView() !== wanted) {
        const entry = Array.from(doc.querySelectorAll('[data-goto]')).find((b) => b.dataset.goto === wanted);
        if (entry) {
          note('info', `preview: went back to ${wanted} to keep your place after the rebuild`);
          entry.click();
        }
      }
    } catch (e) { /* not our course page */ }
  }

  function readCourseConfig() {
    try {
      const config = JSON.parse(ui.frame.contentDocument.getElementById('course-config').textContent);
      app.worstCase = config.suspendWorstCase || null;
    } catch (e) {
      app.worstCase = null;
    }
  }

  // ------------------------------------------------------------------ the call log
  function show(value) {
    if (typeof value === 'string') {
      const text = JSON.stringify(value);
      return text.length > 400 ? `${text.slice(0, 400)}…" (${value.length} characters)` : text;
    }
    if (value === undefined) return '(nothing)';
    return `${String(value)} (${typeof value}, not a string)`;
  }

  function keepAtBottom(action) {
    const box = ui.callsScroll;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    action();
    while (ui.calls.rows.length > MAX_ROWS) ui.calls.deleteRow(0);
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function flagList(flags) {
    if (!flags || !flags.length) return null;
    return el('ul', { class: 'flags' }, ...flags.map((f) => el('li', { class: f.level }, f.text)));
  }

  function onCall(entry) {
    const levels = entry.flags.map((f) => f.level);
    const isError = levels.includes('error');
    if (isError) showErrorCount(app.errors + 1);
    const classes = [ERROR_FNS.includes(entry.fn) ? 'is-errorcheck' : '', isError ? 'is-error' : '',
      !isError && levels.includes('warning') ? 'is-warning' : ''].filter(Boolean).join(' ');
    const code = entry.code === '0' ? '0' : `${entry.code} ${LMS.ERROR_TEXT[entry.code] || ''}`;
    const row = el('tr', {
      class: classes || null, 'data-fn': entry.fn, 'data-element': entry.element || '', 'data-code': entry.code,
      'data-session': String(entry.session),
    },
    el('td', {}, String(entry.seq)),
    el('td', {}, el('span', { class: 'call' }, `${entry.fn}(${entry.args.map(show).join(', ')})`), flagList(entry.flags)),
    el('td', { class: 'ret' }, show(entry.ret)),
    el('td', { class: 'code' }, code));
    keepAtBottom(() => ui.calls.append(row));
    scheduleData();
  }

  function showErrorCount(count) {
    app.errors = count;
    ui.errorCounts.forEach((badge) => {
      badge.replaceChildren(String(count), el('span', { class: 'sr-only' }, count === 1 ? ' error' : ' errors'));
      badge.hidden = !count;
    });
  }

  function sessionRow(session, who, reason) {
    const text = `Session ${session.number}: ${reason} · ${who.id} (${who.name}) · entry ${JSON.stringify(session.entry)}` +
      ` · mode ${session.mode} · strict limits ${session.strict ? 'on' : 'off'}`;
    keepAtBottom(() => ui.calls.append(el('tr', { class: 'session' }, el('td', { colspan: '4' }, text))));
  }

  function note(level, text) {
    keepAtBottom(() => ui.calls.append(el('tr', { class: `note is-${level}` },
      el('td', {}, ''), el('td', { colspan: '3' }, flagList([{ level, text }])))));
  }

  // ------------------------------------------------------------------ the data model
  let dataScheduled = false;
  function scheduleData() {
    if (dataScheduled) return;
    dataScheduled = true;
    requestAnimationFrame(() => {
      dataScheduled = false;
      renderData();
    });
  }

  function valueCell(session, element) {
    const values = session.values;
    const value = element in values ? values[element] : '';
    const dirty = session.changed.has(element);
    return el('td', {}, dirty ? el('span', { class: 'dirty-mark', title: 'not committed yet' }, '● ') : null,
      element in values ? JSON.stringify(value) : el('span', { class: 'muted' }, '(not set)'));
  }

  function renderData() {
    const session = app.session;
    if (!session) return;
    ui.core.replaceChildren(...CORE.map((element) => el('tr', { 'data-element': element },
      el('td', {}, element.replace(/^cmi\./, '')), valueCell(session, element))));

    const suspend = session.values['cmi.suspend_data'] || '';
    ui.suspend.textContent = suspend || '(empty)';
    ui.suspendLength.textContent = String(suspend.length);
    ui.suspendMeter.value = Math.min(suspend.length, PROFILE.suspendLimit);
    ui.suspendLength.parentElement.classList.toggle('is-over', suspend.length > PROFILE.suspendLimit);
    ui.suspendWorst.textContent = app.worstCase ? `(this course needs at most ${app.worstCase})` : '';

    const count = session.counts['cmi.interactions'] || 0;
    ui.interactionCount.textContent = count ? `(${count})` : '';
    if (!count) {
      ui.interactions.replaceChildren(el('p', { class: 'muted' }, 'None yet.'));
    } else {
      const rows = [];
      for (let n = 0; n < count; n++) {
        rows.push(el('tr', { 'data-interaction': String(n) }, el('td', {}, String(n)),
          ...INTERACTION_FIELDS.map((f) => el('td', {}, session.values[`cmi.interactions.${n}.${f}`] || ''))));
      }
      ui.interactions.replaceChildren(el('table', { class: 'data interactions' },
        el('thead', {}, el('tr', {}, el('th', {}, 'n'), ...INTERACTION_FIELDS.map((f) => el('th', {}, f.replace('correct_responses.0.', 'correct '))))),
        el('tbody', {}, ...rows)));
    }

    const shown = new Set(CORE.concat(['cmi.suspend_data']));
    const other = Object.keys(session.values).filter((k) => !shown.has(k) && !k.startsWith('cmi.interactions.')).sort();
    ui.other.replaceChildren(...(other.length ? [el('h2', {}, 'Other elements'), el('table', { class: 'data' },
      el('tbody', {}, ...other.map((element) => el('tr', { 'data-element': element },
        el('td', {}, element.replace(/^cmi\./, '')), valueCell(session, element)))))] : []));
  }

  // ------------------------------------------------------------------ builds
  function time(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString();
  }

  function onBuild(state) {
    const first = app.build === null;
    app.build = state;
    ui.title.textContent = state.course && state.course.title ? `· ${state.course.title}` : `· ${state.source}`;
    document.title = `${state.course && state.course.title ? state.course.title : state.source} · coursepack preview`;
    const errors = state.problems.filter((p) => p.level === 'error');
    const warnings = state.problems.filter((p) => p.level === 'warning');
    if (state.ok) {
      ui.status.textContent = `Build ${state.attempt} ok at ${time(state.finished)} (${state.seconds.toFixed(2)} s)`;
      ui.status.classList.remove('is-failed');
      ui.errors.hidden = true;
    } else {
      ui.status.textContent = `Build ${state.attempt} failed at ${time(state.finished)}`;
      ui.status.classList.add('is-failed');
      ui.errorsNote.textContent = state.good
        ? `The frame still shows the last good build (build ${state.good}). Save a fix and the preview rebuilds.`
        : 'Nothing to show until the course builds. Save a fix and the preview rebuilds.';
      ui.errorsList.textContent = errors.map((p) => p.text).join('\n');
      ui.errors.hidden = false;
    }
    ui.buildSummary.textContent = state.good
      ? `Showing build ${state.good} of ${state.source} (${state.course.files} files in the package).`
      : `No good build of ${state.source} yet.`;
    ui.buildWarnings.textContent = warnings.length
      ? warnings.map((p) => p.text).join('\n') : 'No warnings.';
    ui.warningCount.textContent = String(warnings.length);
    ui.warningCount.hidden = !warnings.length;

    if (!state.good) {
      if (first) ui.frame.src = '/course/index.html';
      return;
    }
    if (state.good !== app.loadedGood || state.server !== app.server) {
      const isFirst = app.loadedGood === null;
      app.loadedGood = state.good;
      app.server = state.server;
      relaunch(isFirst ? 'launch' : `after rebuild ${state.good}`, { keepPlace: !isFirst });
    }
  }

  // ------------------------------------------------------------------ xAPI and player events
  function summarize(statement) {
    const verb = statement.verb || {};
    const display = verb.display ? Object.values(verb.display)[0] : (verb.id || '?');
    const object = statement.object || {};
    const name = object.definition && object.definition.name ? Object.values(object.definition.name)[0] : object.id;
    const result = statement.result || {};
    const bits = [];
    if (result.score && result.score.scaled !== undefined) bits.push(`scaled ${result.score.scaled}`);
    if (result.success !== undefined) bits.push(`success ${result.success}`);
    if (result.completion !== undefined) bits.push(`completion ${result.completion}`);
    return `${display} · ${name || '?'}${bits.length ? ` · ${bits.join(', ')}` : ''}`;
  }

  function onStatements(records) {
    for (const record of records) {
      const statement = record.statement || {};
      const registration = statement.context && statement.context.registration;
      if (registration && !app.registrations.has(registration)) continue;   // another tab's session
      app.statements += 1;
      ui.statements.append(el('li', { 'data-verb': (statement.verb && statement.verb.id) || '' },
        el('details', {}, el('summary', {}, `${time(record.received)} ${summarize(statement)}`),
          el('pre', {}, JSON.stringify(statement, null, 2)))));
    }
    ui.xapiNote.hidden = app.statements > 0;
  }

  function playerEvent(detail) {
    if (!detail || typeof detail !== 'object') return;
    const copy = JSON.parse(JSON.stringify(detail));
    const brief = copy.type === 'view' ? copy.key : copy.type === 'scored' ? `score ${copy.score}, passed ${copy.passed}`
      : copy.type === 'status' || copy.type === 'end' ? copy.status : copy.type === 'start' ? `entry ${JSON.stringify(copy.entry)}, mode ${copy.mode}` : '';
    ui.playerEvents.append(el('li', { 'data-type': String(copy.type) },
      el('details', {}, el('summary', {}, `${new Date().toLocaleTimeString()} ${copy.type}${brief ? ` · ${brief}` : ''}`),
        el('pre', {}, JSON.stringify(copy, null, 2)))));
    while (ui.playerEvents.children.length > 500) ui.playerEvents.firstElementChild.remove();
  }

  function pageError(message, file, line) {
    const where = file ? file.replace(location.origin, '').split(/[?#]/)[0] : '';
    note('error', `script error in the course: ${message}${where ? ` (${where}:${line})` : ''}`);
  }

  // ------------------------------------------------------------------ controls
  function selectTab(name) {
    $$('[data-tab]').forEach((button) => {
      const selected = button.dataset.tab === name;
      button.setAttribute('aria-selected', String(selected));
      document.getElementById(button.getAttribute('aria-controls')).hidden = !selected;
    });
    if (name === 'data') renderData();
  }

  $$('[data-tab]').forEach((button) => button.addEventListener('click', () => selectTab(button.dataset.tab)));
  ui.standard.textContent = PROFILE.standard;
  ui.suspendLimit.textContent = String(PROFILE.suspendLimit);
  ui.suspendMeter.max = PROFILE.suspendLimit;
  ui.suspendMeter.low = Math.round((PROFILE.suspendLimit * 3000) / 4096);   // the 1.2 page's 3000 and 3800 of 4096
  ui.suspendMeter.high = Math.round((PROFILE.suspendLimit * 3800) / 4096);
  ui.nameFormat.value = prefs.nameFormat;
  ui.mode.value = prefs.mode;
  ui.strict.checked = prefs.strict;

  $('[data-action="new-learner"]').addEventListener('click', () => {
    prefs.learner += 1;
    savePrefs();
    relaunch('new learner', { reset: true });
  });
  $('[data-action="resume"]').addEventListener('click', () => relaunch('close and resume'));
  $('[data-action="clear-log"]').addEventListener('click', () => {
    ui.calls.replaceChildren();
    showErrorCount(0);
  });
  ui.nameFormat.addEventListener('change', () => {
    prefs.nameFormat = ui.nameFormat.value;
    savePrefs();
    relaunch(`learner name as "${prefs.nameFormat === 'first-last' ? 'First Last' : 'Last, First'}"`);
  });
  ui.mode.addEventListener('change', () => {
    prefs.mode = ui.mode.value;
    savePrefs();
    relaunch(`${prefs.mode} mode`);
  });
  ui.strict.addEventListener('change', () => {
    prefs.strict = ui.strict.checked;
    savePrefs();
    if (app.session) app.session.strict = prefs.strict;
    note('info', `strict SCORM limits ${prefs.strict ? 'on: over-long values fail with 405' : 'off: over-long values are accepted (and flagged)'}`);
  });
  ui.showErrorCalls.addEventListener('change', () => {
    document.body.classList.toggle('show-error-calls', ui.showErrorCalls.checked);
  });

  // ------------------------------------------------------------------ server events
  window.CoursepackPreview = Object.freeze({ playerEvent, pageError, prefs, selectTab });

  const events = new EventSource('/__preview__/events');
  events.addEventListener('build', (event) => onBuild(JSON.parse(event.data)));
  events.addEventListener('xapi', (event) => onStatements(JSON.parse(event.data)));
  events.addEventListener('error', () => {
    ui.status.textContent = 'Disconnected: is coursepack preview still running? (reconnecting…)';
    ui.status.classList.add('is-failed');
  });
})();
