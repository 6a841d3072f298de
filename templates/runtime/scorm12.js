/*
 * coursepack SCORM 1.2 adapter (copied to assets/scorm12.js).
 *
 * Finds the LMS's `API` object and talks to it carefully: each call happens at most in the
 * right state, every return value and LMSGetLastError() is checked, nothing ever throws into
 * page code, and commits are coalesced and retried. SCORM 1.2 only: API_1484_11 is never used.
 * One global: CoursepackSCORM. No dependencies; a classic script so file:// launches work.
 */
;(function (global) {
  'use strict';

  // RTE 3.3.2: the 1.2 error codes we name (all others are logged as they come).
  const ERROR = Object.freeze({
    NONE: '0', GENERAL: '101', INVALID_ARGUMENT: '201', NOT_INITIALIZED: '301',
    NOT_IMPLEMENTED: '401', READ_ONLY: '403', WRITE_ONLY: '404', INCORRECT_TYPE: '405',
  });

  const STATE = Object.freeze({ NOT_INITIALIZED: 'not-initialized', ACTIVE: 'active', FINISHED: 'finished' });

  const FIND_LIMIT = 500;          // parents to climb (pipwerks' limit; ADL's sample uses 7)
  const COMMIT_DELAY_MS = 1000;    // requestCommit() coalesces into one commit this much later
  const RETRY_BASE_MS = 1000;      // retries after 1 s, then 2 s ...
  const COMMIT_TRIES = 3;          // ... and after 3 failed tries the player is told
  const AUTOCOMMIT_MS = 60000;     // while dirty, commit at least this often

  // RTE 3.4.2 data types, checked before sending so a bad value is caught here, not by the LMS.
  const TIMESPAN = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;            // CMITimespan
  const TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/;     // CMITime
  const IDENTIFIER = /^[\x21-\x7e]{1,255}$/;                        // CMIIdentifier (printable, no spaces)
  const isScore = (v) => /^\d{1,3}(\.\d+)?$/.test(v) && Number(v) <= 100;  // CMIDecimal, 0..100 in 1.2 LMSs
  const CHECKS = {
    'cmi.core.lesson_status': (v) => /^(passed|completed|failed|incomplete|browsed)$/.test(v), // never "not attempted"
    'cmi.core.exit': (v) => /^(time-out|suspend|logout|)$/.test(v),                             // never "normal"
    'cmi.core.session_time': (v) => TIMESPAN.test(v),
    'cmi.core.lesson_location': (v) => v.length <= 255,   // CMIString255
    'cmi.core.score.raw': isScore,
    'cmi.core.score.min': isScore,
    'cmi.core.score.max': isScore,
    'cmi.suspend_data': (v) => v.length <= 4096,          // CMIString4096
    'cmi.interactions.n.id': (v) => IDENTIFIER.test(v),
    'cmi.interactions.n.type': (v) => /^(true-false|choice|fill-in|matching|performance|sequencing|likert|numeric)$/.test(v),
    'cmi.interactions.n.result': (v) => /^(correct|wrong|unanticipated|neutral|-?\d+(\.\d+)?)$/.test(v),
    'cmi.interactions.n.latency': (v) => TIMESPAN.test(v),
    'cmi.interactions.n.time': (v) => TIME.test(v),
    'cmi.interactions.n.student_response': (v) => v.length <= 255,
    'cmi.interactions.n.correct_responses.n.pattern': (v) => v.length <= 255,
  };

  const isTrue = (value) => value === true || value === 'true';   // some adapters return booleans

  // ------------------------------------------------------------------ discovery
  // Walk win, win.parent, ... (RTE 3.3.6.1). Touching a cross-origin window throws: skip it.
  function searchUp(start) {
    let win = start;
    for (let i = 0; win && i <= FIND_LIMIT; i++) {
      try {
        const api = win.API;
        if (api && typeof api.LMSInitialize === 'function') return api;
      } catch (e) { /* cross-origin frame */ }
      let parent = null;
      try { parent = win.parent; } catch (e) { return null; }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }

  // The parent chain, then the opener (and its parents), then the top window's opener.
  function findAPI(win) {
    let api = searchUp(win);
    for (const getOpener of [() => win.opener, () => win.top.opener]) {
      if (api) break;
      try {
        const opener = getOpener();
        if (opener && opener !== win) api = searchUp(opener);
      } catch (e) { /* cross-origin or closed */ }
    }
    return api;
  }

  // ------------------------------------------------------------------ time formats
  // CMITimespan HHHH:MM:SS.SS (4-digit hours), clamped at 9999:59:59.99.
  function timespan(ms) {
    const max = ((9999 * 60 + 59) * 60 + 59) * 100 + 99;
    const cs = Math.min(max, Math.max(0, Math.round((Number(ms) || 0) / 10)));
    const pad = (n, width) => String(n).padStart(width, '0');
    const seconds = Math.floor(cs / 100) % 60;
    const minutes = Math.floor(cs / 6000) % 60;
    const hours = Math.floor(cs / 360000);
    return `${pad(hours, 4)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(cs % 100, 2)}`;
  }

  // CMITime HH:MM:SS, the local time of day.
  function timeOfDay(date) {
    const d = date || new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }

  // ------------------------------------------------------------------ session
  class Session {
    constructor(api, options) {
      this.api = api;
      this.state = STATE.NOT_INITIALIZED;
      this.debug = Boolean(options.debug);
      this.onCommitFailure = options.onCommitFailure || (() => {});
      this.onCommitRecovered = options.onCommitRecovered || (() => {});
      this.dirty = false;
      this.failures = 0;        // consecutive failed commits
      this.warned = false;      // onCommitFailure called and not yet recovered
      this.commitTimer = null;  // a coalesced or retry commit is scheduled
      this.autoTimer = null;
    }

    get connected() { return this.state === STATE.ACTIVE; }

    log(...parts) {
      if (this.debug) console.info('[coursepack scorm]', ...parts);
    }

    // The last error code as a string ("0" when none). Never throws.
    lastError() {
      try {
        const code = this.api.LMSGetLastError();
        return code === '' || code === null || code === undefined ? ERROR.NONE : String(code);
      } catch (e) {
        return ERROR.GENERAL;
      }
    }

    // Log a failed call; the error string and diagnostic are only fetched when debugging.
    report(what, code, thrown) {
      if (!this.debug) return;
      let text = '';
      let diagnostic = '';
      try { text = String(this.api.LMSGetErrorString(code)); } catch (e) { /* ignore */ }
      try { diagnostic = String(this.api.LMSGetDiagnostic(code)); } catch (e) { /* ignore */ }
      console.warn('[coursepack scorm]', what, 'failed:', code, text, diagnostic, thrown || '');
    }

    // Run one of the argument-"" functions (Initialize, Commit, Finish). True on success.
    callEmpty(name) {
      let result;
      try {
        result = this.api[name]('');
      } catch (e) {
        this.report(name, ERROR.GENERAL, e);
        return false;
      }
      const code = this.lastError();
      if (!isTrue(result) || code !== ERROR.NONE) {
        this.report(name, code);
        return false;
      }
      return true;
    }

    initialize() {
      if (!this.api || this.state !== STATE.NOT_INITIALIZED) return false;
      if (!this.callEmpty('LMSInitialize')) {
        this.api = null;                     // run as if there were no LMS
        this.state = STATE.FINISHED;
        return false;
      }
      this.state = STATE.ACTIVE;
      this.autoTimer = setInterval(() => {
        if (this.dirty && !this.commitTimer) this.commit();
      }, AUTOCOMMIT_MS);
      this.log('initialized');
      return true;
    }

    // The element's value as a string, or null when the LMS reports an error (e.g. 401).
    get(element) {
      if (!this.connected) return null;
      let value;
      try {
        value = this.api.LMSGetValue(element);
      } catch (e) {
        this.report(`LMSGetValue(${element})`, ERROR.GENERAL, e);
        return null;
      }
      const code = this.lastError();
      if (code !== ERROR.NONE) {
        this.report(`LMSGetValue(${element})`, code);
        return null;
      }
      this.log('get', element);              // never the value: it may be the learner's name
      return value === null || value === undefined ? '' : String(value);
    }

    // Set a value (sent as a string). True when the LMS accepted it.
    set(element, value) {
      if (!this.connected) return false;
      const text = String(value);
      const check = CHECKS[element.replace(/\.\d+(?=\.|$)/g, '.n')];
      if (check && !check(text)) {
        if (this.debug) console.warn('[coursepack scorm] not sent, invalid value for', element, JSON.stringify(text));
        return false;
      }
      let result;
      try {
        result = this.api.LMSSetValue(element, text);
      } catch (e) {
        this.report(`LMSSetValue(${element})`, ERROR.GENERAL, e);
        return false;
      }
      const code = this.lastError();
      if (!isTrue(result) || code !== ERROR.NONE) {
        this.report(`LMSSetValue(${element}, ${JSON.stringify(text)})`, code);
        return false;
      }
      this.dirty = true;
      this.log('set', element, text);
      return true;
    }

    // Schedule one commit about a second from now; calls in between share it.
    requestCommit() {
      if (!this.connected || this.commitTimer) return;
      this.commitTimer = setTimeout(() => this.commit(), COMMIT_DELAY_MS);
    }

    // Commit now (cancels a scheduled one). True when the LMS confirmed it.
    commitNow() {
      return this.commit();
    }

    commit() {
      this.clearScheduled();
      if (!this.connected) return false;
      if (this.callEmpty('LMSCommit')) {
        this.dirty = false;
        this.failures = 0;
        if (this.warned) {
          this.warned = false;
          this.onCommitRecovered();
        }
        return true;
      }
      this.dirty = true;                     // so the 60 s timer keeps trying
      this.failures += 1;
      if (this.failures < COMMIT_TRIES) {
        this.commitTimer = setTimeout(() => this.commit(), RETRY_BASE_MS * 2 ** (this.failures - 1));
      } else if (!this.warned) {
        this.warned = true;
        this.onCommitFailure();
      }
      return false;
    }

    clearScheduled() {
      if (this.commitTimer) clearTimeout(this.commitTimer);
      this.commitTimer = null;
    }

    // End the session once: set exit (unless null) and session_time, then LMSFinish(""), which
    // persists everything (RTE 3.3.3.2). No LMSCommit here: this runs in pagehide, where browsers
    // refuse the synchronous XHR many LMS adapters commit with, while LMSFinish may use a beacon.
    finish({ exit = null, sessionTime = null } = {}) {
      if (!this.connected) return false;
      if (exit !== null) this.set('cmi.core.exit', exit);
      if (sessionTime !== null) this.set('cmi.core.session_time', sessionTime);
      this.clearScheduled();
      clearInterval(this.autoTimer);
      const ok = this.callEmpty('LMSFinish');
      this.state = STATE.FINISHED;           // whatever the result: no call after LMSFinish
      this.log('finished', ok);
      return ok;
    }
  }

  // Find the API, initialize it and return the session; session.connected is false without an LMS.
  function connect(options = {}) {
    const api = findAPI(global);
    const session = new Session(api, options);
    if (!api) session.log('no SCORM 1.2 API found: progress is not recorded');
    else session.initialize();
    return session;
  }

  global.CoursepackSCORM = Object.freeze({ connect, findAPI, timespan, timeOfDay, ERROR, STATE });
})(window);
