/*
 * coursepack SCORM 1.2 adapter (copied to assets/scorm12.js): the player's neutral tracking
 * operations (docs/architecture.md, section 4.2) in SCORM 1.2: the LMS* functions, the elements,
 * their data types (checked before sending), the status vocabulary and the time formats. The
 * session mechanics are session.js's. Never API_1484_11.
 * One global: CoursepackAdapter (module.exports under Node).
 */
;(function (global) {
  'use strict';

  const CALLS = Object.freeze({
    initialize: 'LMSInitialize', terminate: 'LMSFinish', getValue: 'LMSGetValue', setValue: 'LMSSetValue',
    commit: 'LMSCommit', lastError: 'LMSGetLastError', errorString: 'LMSGetErrorString', diagnostic: 'LMSGetDiagnostic',
  });
  const SUSPEND_LIMIT = 4096;      // CMIString4096

  // RTE 3.4.2 data types
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
    'cmi.suspend_data': (v) => v.length <= SUSPEND_LIMIT,
    'cmi.interactions.n.id': (v) => IDENTIFIER.test(v),
    'cmi.interactions.n.type': (v) => /^(true-false|choice|fill-in|matching|performance|sequencing|likert|numeric)$/.test(v),
    'cmi.interactions.n.result': (v) => /^(correct|wrong|unanticipated|neutral|-?\d+(\.\d+)?)$/.test(v),
    'cmi.interactions.n.latency': (v) => TIMESPAN.test(v),
    'cmi.interactions.n.time': (v) => TIME.test(v),
    'cmi.interactions.n.student_response': (v) => v.length <= 255,
    'cmi.interactions.n.correct_responses.n.pattern': (v) => v.length <= 255,
  };

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

  // ------------------------------------------------------------------ the adapter
  // options: {session: CoursepackSession, window, config, debug, onCommitFailure, onCommitRecovered}.
  // Finds the API and initializes it; not `connected` without an LMS.
  function connect(options) {
    const { config, debug } = options;
    const session = options.session.open(options.window, 'API', CALLS, {
      debug, label: 'scorm', checks: CHECKS,
      onCommitFailure: options.onCommitFailure, onCommitRecovered: options.onCommitRecovered,
      commitOnExit: Boolean(config.tracking && config.tracking.commitOnExit),
    });

    const put = (element, value) => session.put(element, value);

    // {learner: {id, name}, entry, location, suspendData, status, credit, mode}, read in this order.
    function launch() {
      const read = (element) => session.get(element) || '';
      const learner = { id: read('cmi.core.student_id'), name: read('cmi.core.student_name') };
      const data = { learner, entry: read('cmi.core.entry'), location: read('cmi.core.lesson_location'),
        suspendData: read('cmi.suspend_data'), status: read('cmi.core.lesson_status'), credit: read('cmi.core.credit') };
      const mode = session.get('cmi.core.lesson_mode');    // null (401) or "": normal
      return { ...data, mode: mode === 'browse' || mode === 'review' ? mode : 'normal' };
    }

    // The stored score as a number, or null.
    function storedScore() {
      const raw = session.get('cmi.core.score.raw');
      return raw && Number.isFinite(Number(raw)) ? Number(raw) : null;
    }

    // Appended at _count, id first (indices must stay sequential); none without _count (401).
    function appendInteractions(records) {
      const countText = session.get('cmi.interactions._count');
      const count = countText ? Number(countText) : NaN;
      if (!(Number.isInteger(count) && count >= 0)) return;
      records.every((r, i) => {
        const n = `cmi.interactions.${count + i}.`;
        if (!put(`${n}id`, r.id)) return false;
        put(`${n}type`, r.type);
        put(`${n}student_response`, r.response);
        r.patterns.forEach((pattern, k) => put(`${n}correct_responses.${k}.pattern`, pattern));
        put(`${n}result`, r.result);
        put(`${n}weighting`, String(r.weight));
        put(`${n}latency`, timespan(r.latencyMs));
        put(`${n}time`, timeOfDay(r.at));
        return true;
      });
    }

    return Object.freeze({
      format: 'scorm12',
      suspendLimit: SUSPEND_LIMIT,
      get connected() { return session.connected; },
      get dirty() { return session.dirty; },
      ...options.session.statusRule(config.status),   // lesson_status is one status word
      launch,
      storedScore,
      setStatus: (status) => put('cmi.core.lesson_status', status),
      setExit: (exit) => put('cmi.core.exit', exit),
      setLocation: (location) => put('cmi.core.lesson_location', location),
      setSuspendData: (data) => put('cmi.suspend_data', data),
      // SCORM 1.2 has no progress measure and no scaled score.
      setProgress: () => false,
      // min and max null: not sent (course.yaml tracking: score: raw).
      setScore({ raw, min, max }) {
        if (min !== null) put('cmi.core.score.min', min);
        if (max !== null) put('cmi.core.score.max', max);
        put('cmi.core.score.raw', raw);
      },
      appendInteractions,
      commit: () => session.commit(),
      requestCommit: () => session.requestCommit(),
      // exit (unless null), session_time, LMSFinish("").
      terminate({ exit, sessionMs }) {
        if (!session.connected) return false;
        if (exit !== null) put('cmi.core.exit', exit);
        put('cmi.core.session_time', timespan(sessionMs));
        return session.finish();
      },
    });
  }

  const api = Object.freeze({ connect, timespan, timeOfDay });
  global.CoursepackAdapter = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
