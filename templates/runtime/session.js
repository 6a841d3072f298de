/*
 * coursepack LMS session (copied to assets/session.js): what every SCORM API version shares.
 * Discovery, states, a check of every call (nothing throws into page code) and the commit
 * policy, and the status words. The format's adapter (scorm12.js, scorm2004.js) names the functions
 * and owns elements and values.
 * One global: CoursepackSession (module.exports under Node).
 *
 * Commit policy: what a learner action wrote is committed when that action's handler returns
 * (requestCommit queues a microtask), so a crash a moment later loses nothing the learner saw
 * as done, and the writes of one action share one commit. A failed commit is retried after 1 s
 * and 2 s, then the player is told; while dirty, a commit at least every 60 s. At the end of the session
 * a commit before the terminate call only with options.commitOnExit (course.yaml tracking: commit_on_exit).
 */
;(function (global) {
  'use strict';

  const STATE = Object.freeze({ NOT_INITIALIZED: 'not-initialized', ACTIVE: 'active', FINISHED: 'finished' });
  const NO_ERROR = '0';
  const GENERAL_ERROR = '101';     // a call that throws (the same code in SCORM 1.2 and 2004)

  const FIND_LIMIT = 500;          // parents to climb (pipwerks' limit; ADL's sample uses 7)
  const RETRY_BASE_MS = 1000;      // retries after 1 s, then 2 s ...
  const COMMIT_TRIES = 3;          // ... and after 3 failed tries the player is told
  const AUTOCOMMIT_MS = 60000;     // while dirty, commit at least this often

  const isTrue = (value) => value === true || value === 'true';   // some adapters return booleans

  // ------------------------------------------------------------------ discovery
  // win, win.parent, ... (RTE 3.3.6.1). Touching a cross-origin window throws: skip it.
  function searchUp(start, name, probe) {
    let win = start;
    for (let i = 0; win && i <= FIND_LIMIT; i++) {
      try {
        const api = win[name];
        if (api && typeof api[probe] === 'function') return api;
      } catch { /* cross-origin frame */ }
      let parent;
      try { parent = win.parent; } catch { return null; }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }

  // The parent chain, then the opener (and its parents), then the top window's opener.
  function findAPI(win, name, probe) {
    let api = searchUp(win, name, probe);
    for (const getOpener of [() => win.opener, () => win.top.opener]) {
      if (api) break;
      try {
        const opener = getOpener();
        if (opener && opener !== win) api = searchUp(opener, name, probe);
      } catch { /* cross-origin or closed */ }
    }
    return api;
  }

  // ------------------------------------------------------------------ status words
  // The player's status words are SCORM 1.2's lesson_status words (the SCORM 2004 adapter writes each
  // one as two fields); the course's rule (config.status) names a passed and a failed course. Never
  // downgraded: nothing replaces passed, completed may only become passed.
  const DONE = Object.freeze(['passed', 'completed']);

  function statusRule(rule) {
    return {
      statusFor({ completion, success }) {
        if (completion === 'completed') return success === 'passed' ? rule.pass : 'completed';
        return success === 'failed' ? rule.fail : 'incomplete';
      },
      mayReplace: (from, to) => Boolean(to) && from !== 'passed' && (from !== 'completed' || to === 'passed'),
      isDone: (status) => DONE.includes(status),
      isFailed: (status) => status === 'failed',
      isUnstarted: (status) => status === '' || status === 'not attempted',
    };
  }

  // ------------------------------------------------------------------ session
  // calls: the API's function names {initialize, terminate, getValue, setValue, commit, lastError,
  // errorString, diagnostic}. options.checks: the adapter's data type per element, with every index
  // written as n ('cmi.interactions.n.id'), for put().
  class Session {
    constructor(api, calls, options) {
      this.api = api;
      this.calls = calls;
      this.state = STATE.NOT_INITIALIZED;
      this.debug = Boolean(options.debug);
      this.label = `[coursepack ${options.label || 'lms'}]`;
      this.checks = options.checks || {};
      this.onCommitFailure = options.onCommitFailure || (() => {});
      this.onCommitRecovered = options.onCommitRecovered || (() => {});
      this.commitOnExit = Boolean(options.commitOnExit);
      this.dirty = false;
      this.failures = 0;        // consecutive failed commits
      this.warned = false;      // onCommitFailure called and not yet recovered
      this.commitTimer = null;  // a retry is scheduled (it carries whatever is written meanwhile)
      this.commitQueued = false;  // requestCommit's microtask is pending
      this.autoTimer = null;
    }

    get connected() { return this.state === STATE.ACTIVE; }

    log(...parts) {
      if (this.debug) console.info(this.label, ...parts);
    }

    // The last error code as a string ("0" when none). Never throws.
    lastError() {
      try {
        const code = this.api[this.calls.lastError]();
        return code === '' || code === null || code === undefined ? NO_ERROR : String(code);
      } catch {
        return GENERAL_ERROR;
      }
    }

    // Log a failed call; the error string and diagnostic are only fetched when debugging.
    report(what, code, thrown) {
      if (!this.debug) return;
      let text = '';
      let diagnostic = '';
      try { text = String(this.api[this.calls.errorString](code)); } catch { /* ignore */ }
      try { diagnostic = String(this.api[this.calls.diagnostic](code)); } catch { /* ignore */ }
      console.warn(this.label, what, 'failed:', code, text, diagnostic, thrown || '');
    }

    // {ok, value}: ok when it returned "true" (unless !check: GetValue) and no error.
    call(name, args, check = true) {
      const fn = this.calls[name];
      let value;
      try {
        value = this.api[fn](...args);
      } catch (e) {
        this.report(`${fn}(${args[0]})`, GENERAL_ERROR, e);
        return { ok: false };
      }
      const code = this.lastError();
      const ok = (!check || isTrue(value)) && code === NO_ERROR;
      if (!ok) this.report(`${fn}(${args.map((a, i) => (i ? JSON.stringify(a) : a)).join(', ')})`, code);
      return { ok, value };
    }

    initialize() {
      if (!this.api || this.state !== STATE.NOT_INITIALIZED) return false;
      if (!this.call('initialize', ['']).ok) {
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
      const { ok, value } = this.call('getValue', [element], false);
      if (!ok) return null;
      this.log('get', element);              // never the value: it may be the learner's name
      return value === null || value === undefined ? '' : String(value);
    }

    // True when the LMS accepted the value (a string the adapter checked).
    set(element, text) {
      if (!this.connected || !this.call('setValue', [element, text]).ok) return false;
      this.dirty = true;
      this.log('set', element, text);
      return true;
    }

    // Set a value the adapter formatted, unless it fails the element's check (then the LMS never
    // sees it). True when it had its data type and the LMS accepted it.
    put(element, value) {
      if (!this.connected) return false;
      const text = String(value);
      const check = this.checks[element.replace(/\.\d+(?=\.|$)/g, '.n')];
      if (check && !check(text)) {
        if (this.debug) console.warn(this.label, 'not sent, invalid value for', element, JSON.stringify(text));
        return false;
      }
      return this.set(element, text);
    }

    // Commit once the current handler returns (a microtask, not a timer): every write of the same
    // action goes into that one commit. Nothing when a retry is already scheduled, a commit came
    // first, or nothing is left to commit.
    requestCommit() {
      if (!this.connected || this.commitTimer || this.commitQueued) return;
      this.commitQueued = true;
      queueMicrotask(() => {
        if (!this.commitQueued) return;
        this.commitQueued = false;
        if (this.dirty) this.commit();
      });
    }

    // Commit now (cancels a scheduled one). True when the LMS confirmed it.
    commit() {
      this.clearScheduled();
      if (!this.connected) return false;
      if (this.call('commit', ['']).ok) {
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
      this.commitQueued = false;
    }

    // End the session once. By default no commit first: this runs in pagehide, where browsers refuse the
    // synchronous XHR many LMSs commit with, while LMSFinish persists everything and may use a beacon.
    // With commitOnExit one commit of what the exit wrote, never retried (nothing may follow the terminate call).
    finish() {
      if (!this.connected) return false;
      this.clearScheduled();
      clearInterval(this.autoTimer);
      if (this.commitOnExit && this.dirty) this.call('commit', ['']);
      const { ok } = this.call('terminate', ['']);
      this.state = STATE.FINISHED;           // whatever the result: no call after the terminate call
      this.log('finished', ok);
      return ok;
    }
  }

  // Find window[name], initialize it, return the session (not connected without an LMS).
  function open(win, name, calls, options = {}) {
    const api = findAPI(win, name, calls.initialize);
    const session = new Session(api, calls, options);
    if (!api) session.log(`no ${name} object found: progress is not recorded`);
    else session.initialize();
    return session;
  }

  const api = Object.freeze({ open, findAPI, statusRule, Session, STATE });
  global.CoursepackSession = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
