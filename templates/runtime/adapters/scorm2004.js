/*
 * coursepack SCORM 2004 adapter (copied to assets/scorm2004.js): the player's neutral tracking
 * operations (docs/architecture.md, section 4.2) in SCORM 2004 4th Edition (docs/scorm2004.md):
 * API_1484_11's functions, the elements and their data types (checked before sending), each status
 * word in two fields (config.status.fields), ISO 8601 times, and what an interaction adds to its
 * answer (a URN, the question text, the result's word; the quiz engine gives the 2004 responses).
 * The session mechanics and the status words are session.js's. Never `API`.
 * One global: CoursepackAdapter (module.exports under Node).
 */
;(function (global) {
  'use strict';

  const CALLS = Object.freeze({
    initialize: 'Initialize', terminate: 'Terminate', getValue: 'GetValue', setValue: 'SetValue',
    commit: 'Commit', lastError: 'GetLastError', errorString: 'GetErrorString', diagnostic: 'GetDiagnostic',
  });
  const SUSPEND_LIMIT = 64000;          // characterstring SPM 64000 (cmi.suspend_data)
  const URN_NAMESPACE = 'coursepack';   // interaction ids: urn:coursepack:<course id>:<question id>
  const DESCRIPTION_LIMIT = 250;        // localized_string_type SPM of cmi.interactions.n.description
  const COMMENT_TYPE = 'long-fill-in';  // the evaluation's comment: more than one fill-in string holds (250)

  // RTE 4th Edition, 4.1.1 data types, as this adapter writes them.
  const DURATION = /^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?$/;             // timeinterval (second,10,2), never "PT"
  const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{2}Z$/;     // time (second,10,0)
  const REAL = /^-?\d{1,10}(\.\d{1,7})?$/;                                // real(10,7)
  const inRange = (low, high) => (v) => REAL.test(v) && Number(v) >= low && Number(v) <= high;
  const isReal = (v) => REAL.test(v);
  const COMPLETION = /^(completed|incomplete)$/;        // never "not attempted" or "unknown"
  const SUCCESS = /^(passed|failed|unknown)$/;
  const SCORE = { 'score.scaled': inRange(-1, 1), 'score.raw': isReal, 'score.min': isReal, 'score.max': isReal };
  const CHECKS = {
    'cmi.completion_status': (v) => COMPLETION.test(v),
    'cmi.success_status': (v) => SUCCESS.test(v),
    'cmi.exit': (v) => /^(suspend|normal)$/.test(v),
    'cmi.session_time': (v) => DURATION.test(v) && v !== 'PT',
    'cmi.location': (v) => v.length <= 1000,                 // characterstring SPM 1000
    'cmi.suspend_data': (v) => v.length <= SUSPEND_LIMIT,
    'cmi.progress_measure': inRange(0, 1),
    ...Object.fromEntries(Object.entries(SCORE).map(([name, check]) => [`cmi.${name}`, check])),
    ...Object.fromEntries(Object.entries(SCORE).map(([name, check]) => [`cmi.objectives.n.${name}`, check])),
    'cmi.objectives.n.id': (v) => /^\S{1,4000}$/.test(v),
    'cmi.objectives.n.completion_status': (v) => COMPLETION.test(v),
    'cmi.objectives.n.success_status': (v) => SUCCESS.test(v),
    'cmi.interactions.n.id': (v) => /^urn:[a-z]+:\S+$/.test(v) && v.length <= 4000,   // long_identifier_type
    'cmi.interactions.n.type': (v) => /^(true-false|choice|fill-in|long-fill-in|matching|sequencing|likert|numeric)$/
      .test(v),
    'cmi.interactions.n.description': (v) => /^\{lang=[A-Za-z]{2,3}(-[A-Za-z0-9-]{2,8})?\}[^{]/.test(v),
    'cmi.interactions.n.result': (v) => /^(correct|incorrect|neutral)$/.test(v),
    'cmi.interactions.n.weighting': isReal,
    'cmi.interactions.n.latency': (v) => DURATION.test(v) && v !== 'PT',
    'cmi.interactions.n.timestamp': (v) => TIMESTAMP.test(v),
  };

  // ------------------------------------------------------------------ values
  // An ISO 8601 duration in hours, minutes and seconds with at most 2 decimals: PT1H5M3.25S, PT0S.
  function duration(ms) {
    const cs = Math.max(0, Math.round((Number(ms) || 0) / 10));
    const hours = Math.floor(cs / 360000);
    const minutes = Math.floor(cs / 6000) % 60;
    const seconds = (cs % 6000) / 100;
    const s = seconds || !(hours || minutes) ? `${seconds}S` : '';
    return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${s}`;
  }

  // The time in UTC to the hundredth of a second (Moodle's player refuses more digits): 2026-01-31T09:05:00.12Z.
  const timestamp = (date) => `${(date || new Date()).toISOString().slice(0, 22)}Z`;

  // A number as a real(10,7): at most 7 decimals, never in exponent form (0.7222, 1, 0.3333333).
  const real = (x) => Number(x).toFixed(7).replace(/\.?0+$/, '').replace(/^-0$/, '0');

  // The mirror of builder/scorm/scorm2004/interactions.py (tests/vectors/scorm2004-interactions.json).
  const interactionId = (courseId, itemId) => `urn:${URN_NAMESPACE}:${courseId}:${itemId}`;
  const oneLine = (text) => String(text).replace(/\s+/g, ' ').trim();
  function description(text, language) {
    let line = oneLine(text);
    if (line.length > DESCRIPTION_LIMIT) line = `${line.slice(0, DESCRIPTION_LIMIT - 1)}…`;
    return `{lang=${language}}${line}`;
  }
  const commentResponse = (text, limit) => oneLine(text).slice(0, limit);
  // neutral unscored (credit null), correct for full credit, else incorrect (SCORM 1.2 said "wrong")
  const result = (credit) => (credit === null ? 'neutral' : credit === 1 ? 'correct' : 'incorrect');

  // The status word stored in two fields, read back (docs/scorm2004.md, "Status"); '' for a first launch.
  function statusOf(completion, success) {
    if (completion === 'completed') return success === 'passed' ? 'passed' : 'completed';
    if (success === 'failed') return 'failed';
    return completion === 'incomplete' ? 'incomplete' : '';   // "not attempted" (Moodle), "unknown" (scorm-again)
  }

  // ------------------------------------------------------------------ the adapter
  // options: {session: CoursepackSession, window, config, debug, onCommitFailure, onCommitRecovered}.
  // Finds API_1484_11 and initializes it; not `connected` without an LMS. config.status: {pass, fail,
  // fields: {<word>: {completion, success}}, objective: the manifest's objective id, when it has one}.
  function connect(options) {
    const { config, debug } = options;
    const session = options.session.open(options.window, 'API_1484_11', CALLS, {
      debug, label: 'scorm2004', checks: CHECKS,
      onCommitFailure: options.onCommitFailure, onCommitRecovered: options.onCommitRecovered,
      commitOnExit: Boolean(config.tracking && config.tracking.commitOnExit),
    });
    const written = { progress: null };
    let objectiveIndex = null;           // where config.status.objective is in cmi.objectives, once looked up

    const put = (element, value) => session.put(element, value);

    // {learner: {id, name}, entry, location, suspendData, status, credit, mode}, read in this order.
    function launch() {
      const read = (element) => session.get(element) || '';
      const learner = { id: read('cmi.learner_id'), name: read('cmi.learner_name') };
      const entry = read('cmi.entry');
      // A new attempt has nothing stored, and a strict LMS answers 403 (never set) for these.
      const stored = entry !== 'ab-initio';
      const location = stored ? read('cmi.location') : '';
      const suspendData = stored ? read('cmi.suspend_data') : '';
      const status = statusOf(read('cmi.completion_status'), read('cmi.success_status'));
      const credit = read('cmi.credit');
      const mode = session.get('cmi.mode');     // null (an error) or "": normal
      return { learner, entry, location, suspendData, status, credit,
        mode: mode === 'browse' || mode === 'review' ? mode : 'normal' };
    }

    // The stored score as a number, or null.
    function storedScore() {
      const raw = session.get('cmi.score.raw');
      return raw && Number.isFinite(Number(raw)) ? Number(raw) : null;
    }

    // The quiz's objective mirrors the SCO's status and score (the manifest's primary objective):
    // found by its id among those the LMS holds, else appended, id first. Without one: nothing.
    function putObjective(field, value) {
      const id = config.status.objective;
      if (!id || !session.connected) return;
      if (objectiveIndex === null) {
        const count = Number(session.get('cmi.objectives._count'));
        if (!(Number.isInteger(count) && count >= 0)) return;
        objectiveIndex = count;
        for (let i = 0; i < count; i++) {
          if (session.get(`cmi.objectives.${i}.id`) === id) objectiveIndex = i;
        }
        if (objectiveIndex === count && !put(`cmi.objectives.${count}.id`, id)) {
          objectiveIndex = null;
          return;
        }
      }
      put(`cmi.objectives.${objectiveIndex}.${field}`, value);
    }

    // The word's two fields (docs/scorm2004.md, "Status"), on the SCO and on its objective.
    function setStatus(status) {
      const fields = config.status.fields[status];
      if (!fields || !put('cmi.completion_status', fields.completion) || !put('cmi.success_status', fields.success)) {
        return false;
      }
      putObjective('completion_status', fields.completion);
      putObjective('success_status', fields.success);
      return true;
    }

    // min and max null: not sent (course.yaml tracking: score: raw); scaled always, 2004's success needs it.
    function setScore({ raw, min, max, scaled }) {
      const all = { 'score.min': min, 'score.max': max, 'score.raw': raw, 'score.scaled': real(scaled) };
      const score = Object.entries(all).filter(([, value]) => value !== null);
      for (const [name, value] of score) put(`cmi.${name}`, value);
      for (const [name, value] of score) putObjective(name, value);
    }

    // Progress as a share of the course (0..1), sent when it changed.
    function setProgress(share) {
      const value = real(share);
      if (value === written.progress) return true;
      if (!put('cmi.progress_measure', value)) return false;
      written.progress = value;
      return true;
    }

    // Appended at _count, id first, type before the responses (RTE 408); none without _count.
    function appendInteractions(records) {
      const countText = session.get('cmi.interactions._count');
      const count = countText ? Number(countText) : NaN;
      if (!(Number.isInteger(count) && count >= 0)) return;
      const { id: courseId, language } = config.course;
      records.every((r, i) => {
        const n = `cmi.interactions.${count + i}.`;
        const comment = r.kind === 'comment';
        if (!put(`${n}id`, interactionId(courseId, r.id))) return false;
        put(`${n}type`, comment ? COMMENT_TYPE : r.type);
        put(`${n}description`, description(r.text, language));
        r.patterns2004.forEach((pattern, k) => put(`${n}correct_responses.${k}.pattern`, pattern));
        put(`${n}learner_response`, comment ? commentResponse(r.response2004, config.quiz.evaluation.comment.maxLength)
          : r.response2004);
        put(`${n}result`, result(r.credit));
        put(`${n}weighting`, String(r.weight));
        put(`${n}latency`, duration(r.latencyMs));
        put(`${n}timestamp`, timestamp(r.at));
        return true;
      });
    }

    // The course's exit ("" once it is over) in SCORM 2004's words: any exit but suspend ends the attempt.
    const exitWord = (exit) => (exit === 'suspend' ? 'suspend' : 'normal');

    return Object.freeze({
      format: 'scorm2004',
      suspendLimit: SUSPEND_LIMIT,
      get connected() { return session.connected; },
      get dirty() { return session.dirty; },
      ...options.session.statusRule(config.status),
      launch,
      storedScore,
      setStatus,
      setExit: (exit) => put('cmi.exit', exitWord(exit)),
      setLocation: (location) => put('cmi.location', location),
      setSuspendData: (data) => put('cmi.suspend_data', data),
      setProgress,
      setScore,
      appendInteractions,
      commit: () => session.commit(),
      requestCommit: () => session.requestCommit(),
      // exit (unless null), session_time, Terminate("").
      terminate({ exit, sessionMs }) {
        if (!session.connected) return false;
        if (exit !== null) put('cmi.exit', exitWord(exit));
        put('cmi.session_time', duration(sessionMs));
        return session.finish();
      },
    });
  }

  const api = Object.freeze({
    connect, duration, timestamp, real, interactionId, description, commentResponse, result, statusOf,
  });
  global.CoursepackAdapter = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
