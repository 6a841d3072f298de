/*
 * coursepack preview: a strict SCORM 2004 4th Edition LMS (the window.API_1484_11 a course finds),
 * for the preview page only. It never goes into a package.
 *
 * One global, like lms.js: CoursepackPreviewLMS.createSession(options) returns a session whose `api`
 * has the eight functions of the 2004 API. Values are checked against the RTE data model (4th
 * Edition, section 4): data types, vocabularies, ranges, smallest permitted maximums (SPM), the
 * order an interaction is written in (408) and the response format of each interaction type; where
 * a real runtime is stricter than the RTE (scorm-again, Moodle's player), that is a limit too. Every
 * call is reported to options.onCall with its result, error code and the rules it broke:
 *   - level "error": the call failed, as on a strict LMS (the error code says why);
 *   - level "warning": accepted here but not portable (a lenient LMS takes it, a strict one
 *     rejects it, or the practice is known to break some LMS);
 *   - level "info": what the LMS itself did (e.g. success judged from the scaled passing score).
 * With strict limits off, values over a limit are accepted (and flagged).
 */
;(function (global) {
  'use strict';

  // RTE 4th Edition, 3.1.7: the error codes of the 2004 API.
  const ERROR_TEXT = Object.freeze({
    0: 'No Error',
    101: 'General Exception',
    102: 'General Initialization Failure',
    103: 'Already Initialized',
    104: 'Content Instance Terminated',
    111: 'General Termination Failure',
    112: 'Termination Before Initialization',
    113: 'Termination After Termination',
    122: 'Retrieve Data Before Initialization',
    123: 'Retrieve Data After Termination',
    132: 'Store Data Before Initialization',
    133: 'Store Data After Termination',
    142: 'Commit Before Initialization',
    143: 'Commit After Termination',
    201: 'General Argument Error',
    301: 'General Get Failure',
    351: 'General Set Failure',
    391: 'General Commit Failure',
    401: 'Undefined Data Model Element',
    402: 'Unimplemented Data Model Element',
    403: 'Data Model Element Value Not Initialized',
    404: 'Data Model Element Is Read Only',
    405: 'Data Model Element Is Write Only',
    406: 'Data Model Element Type Mismatch',
    407: 'Data Model Element Value Out Of Range',
    408: 'Data Model Dependency Not Established',
  });

  const SUSPEND_LIMIT = 64000;   // cmi.suspend_data, characterstring SPM 64000

  // ------------------------------------------------------------------ data types (RTE 4.1.1)
  const REAL = /^-?\d{1,10}(\.\d{1,18})?$/;                 // real(10,7) as strict runtimes read it
  const ISO_TIME = /^(19[7-9]\d|2\d{3})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3])(:[0-5]\d(:[0-5]\d(\.\d{1,6})?((Z|[+-]([01]\d|2[0-3]))(:[0-5]\d)?)?)?)?)?)?)?$/;
  const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/;
  const LANG = /^\{lang=([a-zA-Z]{1,8}|i|x)(-[a-zA-Z0-9-]{2,8})?\}/;
  const MOODLE_SHORT_ID = /^[\w.]{1,250}$/;                   // Moodle's player: letters, digits, _ and .
  const SHORT_ID = /^[\w\-()+.:=@;$!*'%/#]{1,250}$/;          // URI characters, as scorm-again reads them

  const ok = null;
  const typeError = (text) => ({ text, code: 406, limit: false });
  const rangeError = (text) => ({ text, code: 407, limit: false });
  const limitError = (text) => ({ text, code: 406, limit: true });

  function characterstring(spm) {
    return (v) => (v.length > spm ? limitError(`${v.length} characters; the RTE's smallest permitted maximum is ${spm}`) : ok);
  }

  // localized_string_type: an optional {lang=…} delimiter, then text that may not begin with "{".
  function localized(spm) {
    return (v) => {
      const text = v.replace(LANG, '');
      if (text.startsWith('{')) return typeError('the text may not begin with "{" (it reads as a {lang=…} delimiter)');
      return text.length > spm ? limitError(`${text.length} characters; the RTE's smallest permitted maximum is ${spm}`) : ok;
    };
  }

  function longIdentifier(v) {
    if (v === '' || /\s/.test(v)) return typeError(`'${v}' is not a long_identifier_type (no spaces, not empty)`);
    if (v.startsWith('urn:') && !/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$/.test(v)) {
      return typeError(`'${v}' is not a URN: urn:<namespace id>:<specific string>`);
    }
    return v.length > 4000 ? limitError(`${v.length} characters; a long identifier holds 4000`) : ok;
  }

  function shortIdentifier(v) {
    if (!SHORT_ID.test(v)) return typeError(`'${v}' is not a short_identifier_type`);
    return MOODLE_SHORT_ID.test(v) ? ok : limitError(`'${v}': Moodle's player accepts only letters, digits, '_' and '.'`);
  }

  function real(min, max) {
    return (v) => {
      if (!REAL.test(v)) return typeError(`'${v}' is not a real(10,7) (digits, an optional '-' and '.')`);
      const n = Number(v);
      if ((min !== null && n < min) || (max !== null && n > max)) {
        return rangeError(`${v} is out of range ${min === null ? '' : min} to ${max === null ? '' : max}`);
      }
      return /^-?\d{6}/.test(v) ? limitError(`${v}: Moodle's player takes at most 5 digits before the point`) : ok;
    };
  }

  function time(v) {
    if (!ISO_TIME.test(v)) return typeError(`'${v}' is not a time(second,10,0) (ISO 8601, e.g. 2026-01-31T09:05:00Z)`);
    if (/\.\d{3,}/.test(v)) return limitError(`'${v}': Moodle's player takes at most 2 digits of a second`);
    return Number(v.slice(0, 4)) > 2038 ? limitError(`'${v}': Moodle's player takes years up to 2038`) : ok;
  }

  function duration(v) {
    return DURATION.test(v) ? ok
      : typeError(`'${v}' is not a timeinterval(second,10,2) (ISO 8601 duration such as PT1H5M3.25S; never HHHH:MM:SS)`);
  }

  function vocabulary(words, name) {
    return (v) => (words.includes(v) ? ok
      : typeError(`'${v}' is not in the ${name} vocabulary (${words.map((w) => `'${w}'`).join(', ')})`));
  }

  const NAV_REQUESTS = ['continue', 'previous', 'exit', 'exitAll', 'abandon', 'abandonAll', 'suspendAll', '_none_'];
  function navRequest(v) {
    if (NAV_REQUESTS.includes(v) || /^\{target=\S+\}(choice|jump)$/.test(v)) {
      return v === '_none_' ? limitError("'_none_': Moodle's player refuses it; leave adl.nav.request unset instead") : ok;
    }
    return typeError(`'${v}' is not a navigation request (${NAV_REQUESTS.join(', ')}, {target=…}choice, {target=…}jump)`);
  }

  // ------------------------------------------------------------------ responses (RTE 4.2.9.1)
  const FILL_IN_PREFIX = /^(\{(case_matters|order_matters)=(true|false)\})+/;
  const split = (v, delimiter) => v.split(delimiter);

  function listOf(check, max, unique) {
    return (v) => {
      const nodes = split(v, '[,]');
      if (nodes.length > max) return { text: `${nodes.length} items; at most ${max}`, code: 351, limit: false };
      if (unique && new Set(nodes).size !== nodes.length) return typeError('the same identifier twice');
      for (const node of nodes) {
        const problem = check(node);
        if (problem) return problem;
      }
      return ok;
    };
  }

  function pairs(v) {
    return listOf((node) => {
      const parts = split(node, '[.]');
      if (parts.length !== 2) return typeError(`'${node}' is not <source>[.]<target>`);
      return shortIdentifier(parts[0]) || shortIdentifier(parts[1]);
    }, 36, false)(v);
  }

  // scorm-again reads a value without the bracketed delimiter as comma-separated: flag what it would split.
  function commaWarning(v) {
    return v.includes(',') && !v.includes('[,]')
      ? "has a ',' and no '[,]': scorm-again (inside many LMSs) splits it there and may refuse a part" : null;
  }

  const RESPONSES = {
    'true-false': { response: vocabulary(['true', 'false'], 'true-false response'), patterns: 1 },
    choice: { response: listOf(shortIdentifier, 36, true) },
    'fill-in': { response: listOf(localized(250), 10, false), prefix: FILL_IN_PREFIX, warn: commaWarning },
    'long-fill-in': { response: localized(4000), prefix: /^\{case_matters=(true|false)\}/ },
    likert: { response: shortIdentifier, patterns: 1 },
    matching: { response: pairs },
    performance: { response: characterstring(4000), prefix: /^\{order_matters=(true|false)\}/ },
    sequencing: { response: listOf(shortIdentifier, 36, false) },
    numeric: { response: real(null, null), pattern: numericRange, patterns: 1 },
    other: { response: characterstring(4000), patterns: 1 },
  };
  const INTERACTION_TYPES = Object.keys(RESPONSES);

  function numericRange(v) {
    const parts = split(v, '[:]');
    if (parts.length > 2) return typeError(`'${v}' is not <min>[:]<max>`);
    for (const part of parts) {
      const problem = part === '' ? ok : real(null, null)(part);
      if (problem) return problem;
    }
    if (parts.length === 2 && parts[0] !== '' && parts[1] !== '' && Number(parts[0]) > Number(parts[1])) {
      return typeError(`the range ${v} begins above its end`);
    }
    return parts.length === 1 && parts[0] === '' ? typeError('an empty numeric pattern') : ok;
  }

  // The response or pattern check for the interaction's type (checked only once the type is known).
  function response(v, type, isPattern) {
    const rules = RESPONSES[type];
    if (!rules) return ok;
    const body = isPattern && rules.prefix ? v.replace(rules.prefix, '') : v;
    const problem = (isPattern && rules.pattern ? rules.pattern : rules.response)(body);
    if (problem) return { text: `does not fit a ${type} interaction: ${problem.text}`, code: problem.code, limit: problem.limit };
    return ok;
  }

  // ------------------------------------------------------------------ the data model (RTE 4.2)
  const RO = 'read-only';
  const WO = 'write-only';
  const RW = 'read-write';
  const COMPLETION = ['completed', 'incomplete', 'not attempted', 'unknown'];
  const SUCCESS = ['passed', 'failed', 'unknown'];
  const ELEMENTS = {
    'cmi._version': { access: RO },
    'cmi.comments_from_learner.n.comment': { access: RW, check: localized(4000) },
    'cmi.comments_from_learner.n.location': { access: RW, check: characterstring(250) },
    'cmi.comments_from_learner.n.timestamp': { access: RW, check: time },
    'cmi.comments_from_lms.n.comment': { access: RO },
    'cmi.comments_from_lms.n.location': { access: RO },
    'cmi.comments_from_lms.n.timestamp': { access: RO },
    'cmi.completion_status': { access: RW, check: vocabulary(COMPLETION, 'completion_status') },
    'cmi.completion_threshold': { access: RO },
    'cmi.credit': { access: RO },
    'cmi.entry': { access: RO },
    'cmi.exit': { access: WO, check: vocabulary(['time-out', 'suspend', 'logout', 'normal', ''], 'exit') },
    'cmi.interactions.n.id': { access: RW, check: longIdentifier },
    'cmi.interactions.n.type': { access: RW, check: vocabulary(INTERACTION_TYPES, 'interaction type') },
    'cmi.interactions.n.objectives.n.id': { access: RW, check: longIdentifier },
    'cmi.interactions.n.timestamp': { access: RW, check: time },
    'cmi.interactions.n.correct_responses.n.pattern': { access: RW, typed: 'pattern' },
    'cmi.interactions.n.weighting': { access: RW, check: real(null, null) },
    'cmi.interactions.n.learner_response': { access: RW, typed: 'response' },
    'cmi.interactions.n.result': {
      access: RW,
      check: (v) => (['correct', 'incorrect', 'unanticipated', 'neutral'].includes(v) || REAL.test(v) ? ok
        : typeError(`'${v}' is not a result (correct, incorrect, unanticipated, neutral or a number; 1.2's 'wrong' is gone)`)),
    },
    'cmi.interactions.n.latency': { access: RW, check: duration },
    'cmi.interactions.n.description': { access: RW, check: localized(250) },
    'cmi.launch_data': { access: RO },
    'cmi.learner_id': { access: RO },
    'cmi.learner_name': { access: RO },
    'cmi.learner_preference.audio_level': { access: RW, check: real(0, null) },
    'cmi.learner_preference.language': { access: RW, check: characterstring(250) },
    'cmi.learner_preference.delivery_speed': { access: RW, check: real(0, null) },
    'cmi.learner_preference.audio_captioning': { access: RW, check: vocabulary(['-1', '0', '1'], 'audio_captioning') },
    'cmi.location': { access: RW, check: characterstring(1000) },
    'cmi.max_time_allowed': { access: RO },
    'cmi.mode': { access: RO },
    'cmi.objectives.n.id': { access: RW, check: longIdentifier },
    'cmi.objectives.n.score.scaled': { access: RW, check: real(-1, 1) },
    'cmi.objectives.n.score.raw': { access: RW, check: real(null, null) },
    'cmi.objectives.n.score.min': { access: RW, check: real(null, null) },
    'cmi.objectives.n.score.max': { access: RW, check: real(null, null) },
    'cmi.objectives.n.success_status': { access: RW, check: vocabulary(SUCCESS, 'success_status') },
    'cmi.objectives.n.completion_status': { access: RW, check: vocabulary(COMPLETION, 'completion_status') },
    'cmi.objectives.n.progress_measure': { access: RW, check: real(0, 1) },
    'cmi.objectives.n.description': { access: RW, check: localized(250) },
    'cmi.progress_measure': { access: RW, check: real(0, 1) },
    'cmi.scaled_passing_score': { access: RO },
    'cmi.score.scaled': { access: RW, check: real(-1, 1) },
    'cmi.score.raw': { access: RW, check: real(null, null) },
    'cmi.score.min': { access: RW, check: real(null, null) },
    'cmi.score.max': { access: RW, check: real(null, null) },
    'cmi.session_time': { access: WO, check: duration },
    'cmi.success_status': { access: RW, check: vocabulary(SUCCESS, 'success_status') },
    'cmi.suspend_data': { access: RW, check: characterstring(SUSPEND_LIMIT) },
    'cmi.time_limit_action': { access: RO },
    'cmi.total_time': { access: RO },
    'adl.nav.request': { access: RW, check: navRequest },
  };
  const CHILDREN = {
    cmi: '_version,comments_from_learner,comments_from_lms,completion_status,completion_threshold,credit,entry,exit,' +
      'interactions,launch_data,learner_id,learner_name,learner_preference,location,max_time_allowed,mode,objectives,' +
      'progress_measure,scaled_passing_score,score,session_time,success_status,suspend_data,time_limit_action,total_time',
    'cmi.comments_from_learner': 'comment,location,timestamp',
    'cmi.comments_from_lms': 'comment,location,timestamp',
    'cmi.interactions': 'id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description',
    'cmi.learner_preference': 'audio_level,language,delivery_speed,audio_captioning',
    'cmi.objectives': 'id,score,success_status,completion_status,progress_measure,description',
    'cmi.objectives.n.score': 'scaled,raw,min,max',
    'cmi.score': 'scaled,raw,min,max',
  };
  const ARRAYS = ['cmi.comments_from_learner', 'cmi.comments_from_lms', 'cmi.interactions', 'cmi.interactions.n.objectives',
    'cmi.interactions.n.correct_responses', 'cmi.objectives'];
  // Elements without a value until something sets one: reading them gives 403 (scorm-again does the same).
  const NO_DEFAULT = new Set(['cmi.suspend_data', 'cmi.location', 'cmi.scaled_passing_score', 'cmi.max_time_allowed',
    'cmi.completion_threshold', 'cmi.progress_measure', 'cmi.score.scaled', 'cmi.score.raw', 'cmi.score.min',
    'cmi.score.max', 'cmi.objectives.n.score.scaled', 'cmi.objectives.n.score.raw', 'cmi.objectives.n.score.min',
    'cmi.objectives.n.score.max', 'cmi.objectives.n.progress_measure', 'cmi.objectives.n.description',
    'cmi.interactions.n.weighting', 'cmi.interactions.n.type', 'cmi.interactions.n.timestamp',
    'cmi.interactions.n.result', 'cmi.interactions.n.latency', 'cmi.interactions.n.learner_response',
    'cmi.interactions.n.description', 'cmi.comments_from_learner.n.timestamp']);
  const KNOWN = new Set([...Object.keys(ELEMENTS), ...Object.keys(CHILDREN), ...ARRAYS]);
  const TRACKING = /^cmi\.(completion_status|success_status|score\.|progress_measure|interactions\.|objectives\.)/;
  const WRITE_ONLY_KEPT = ['cmi.exit', 'cmi.session_time'];
  // An interaction's or objective's fields need its id first, a response its type (408).
  const NEEDS_ID = /^cmi\.(interactions|objectives)\.(\d+)\.(?!id$)/;

  // "cmi.interactions.3.id" -> {generic: "cmi.interactions.n.id", arrays: [["cmi.interactions", 3]]}
  function parse(element) {
    const arrays = [];
    const parts = element.split('.');
    const generic = [];
    for (let i = 0; i < parts.length; i++) {
      if (/^\d+$/.test(parts[i]) && i > 0) {
        arrays.push([parts.slice(0, i).join('.'), Number(parts[i])]);
        generic.push('n');
      } else {
        generic.push(parts[i]);
      }
    }
    return { generic: generic.join('.'), arrays };
  }

  // ------------------------------------------------------------------ durations
  function centiseconds(span) {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$/.exec(span || '');
    if (!m) return 0;
    const [, y, mo, d, h, mi, s] = m.map((x) => Number(x || 0));
    return Math.round(((((y * 365 + mo * 30 + d) * 24 + h) * 60 + mi) * 60 + s) * 100);
  }

  function formatDuration(cs) {
    const h = Math.floor(cs / 360000);
    const m = Math.floor(cs / 6000) % 60;
    const s = (cs % 6000) / 100;
    return `PT${h}H${m}M${s}S`;
  }

  // ------------------------------------------------------------------ a session
  /*
   * options:
   *   record     what the LMS stored for this learner: {values, counts, lastExit, launched} or null
   *   learner    {id, name}
   *   mode       'normal' | 'browse' | 'review'
   *   masteryScore  number or null: the pass mark when the manifest has minNormalizedMeasure
   *   strict     boolean (changeable later through session.strict)
   *   number     the session number shown in the log
   *   onCall(entry), onCommit(record), onFinish(record, notes)
   */
  function createSession(options) {
    const previous = options.record || null;
    const mode = options.mode || 'normal';
    // Only cmi.exit 'suspend' (or a suspendAll request) keeps the learner attempt; any other exit
    // ends it, and the next launch is a new attempt with nothing stored (RTE 4.2.8, cmi.entry).
    const resumes = !!previous && previous.launched && previous.lastExit === 'suspend';
    const record = resumes ? previous : null;
    const values = Object.assign({}, record ? record.values : {});
    const counts = Object.assign({}, record ? record.counts : {});
    WRITE_ONLY_KEPT.forEach((name) => { delete values[name]; });
    const seed = {
      'cmi._version': '1.0',
      'cmi.learner_id': options.learner.id,
      'cmi.learner_name': options.learner.name,
      'cmi.credit': mode === 'normal' ? 'credit' : 'no-credit',
      'cmi.mode': mode,
      'cmi.entry': resumes ? 'resume' : 'ab-initio',
      'cmi.launch_data': '',
      'cmi.time_limit_action': 'continue,no message',
      'adl.nav.request': '_none_',
    };
    if (options.masteryScore !== null && options.masteryScore !== undefined) {
      seed['cmi.scaled_passing_score'] = String(Number(options.masteryScore) / 100);
    }
    Object.assign(values, seed);
    if (!values['cmi.completion_status']) values['cmi.completion_status'] = 'unknown';
    if (!values['cmi.success_status']) values['cmi.success_status'] = 'unknown';
    if (!values['cmi.total_time']) values['cmi.total_time'] = 'PT0H0M0S';

    const session = {
      number: options.number || 1,
      mode,
      strict: options.strict !== false,
      state: 'not-initialized',     // -> running -> finished
      values,
      counts,
      committed: Object.assign({}, values),
      changed: new Set(),
      lastError: '0',
      diagnostic: '',
      seq: 0,
      sessionTimeSets: 0,
      entry: seed['cmi.entry'],
      newAttempt: !!previous && previous.launched && !resumes,
    };
    let lastExit = record ? record.lastExit : null;

    function report(fn, args, ret, flags, element) {
      session.seq += 1;
      const entry = {
        seq: session.seq, session: session.number, t: Date.now(), fn, args, ret,
        code: session.lastError, element: element || null, flags,
      };
      try { options.onCall && options.onCall(entry); } catch (e) { /* the inspector must not break the API */ }
    }

    function fail(code, text, flags) {
      session.lastError = String(code);
      session.diagnostic = text;
      flags.push({ level: 'error', text: `${code} ${ERROR_TEXT[code]}: ${text}` });
      return false;
    }

    function succeed() {
      session.lastError = '0';
      session.diagnostic = '';
      return true;
    }

    function asString(value, what, flags) {
      if (typeof value === 'string') return value;
      if (value === undefined) return undefined;
      flags.push({ level: 'warning', text: `${what} is a ${typeof value}, not a string; strict adapters compare types` });
      return String(value);
    }

    // The state check of every function but Initialize: [before Initialize, after Terminate] codes.
    function running(codes, flags) {
      if (session.state === 'not-initialized') return fail(codes[0], 'call Initialize("") first', flags);
      if (session.state === 'finished') return fail(codes[1], 'the session ended with Terminate; nothing is recorded now', flags);
      return true;
    }

    function emptyArgument(fn, arg, flags) {
      if (arg === '') return true;
      return fail(201, `${fn} takes the empty string "", not ${arg === undefined ? 'no argument' : JSON.stringify(arg)}`, flags);
    }

    function persistable() {
      return {
        values: Object.assign({}, session.committed),
        counts: Object.assign({}, session.countsCommitted || {}),
        lastExit,
        launched: true,
      };
    }

    function commit() {
      session.committed = Object.assign({}, session.values);
      session.countsCommitted = Object.assign({}, session.counts);
      if ('cmi.exit' in session.values) lastExit = session.values['cmi.exit'];
      if (session.values['adl.nav.request'] === 'suspendAll') lastExit = 'suspend';
      session.changed.clear();
      try { options.onCommit && options.onCommit(persistable()); } catch (e) { /* ignore */ }
    }

    // The LMS judges success from the score when the manifest gave a scaled passing score (RTE 4.2.22).
    function judgedSuccess() {
      const passing = session.values['cmi.scaled_passing_score'];
      if (passing === undefined) return null;
      const scaled = session.values['cmi.score.scaled'];
      if (scaled === undefined || scaled === '') return 'unknown';
      return Number(scaled) >= Number(passing) ? 'passed' : 'failed';
    }

    // What an LMS does with the data when the session ends.
    function closeOut(notes) {
      const v = session.values;
      const span = v['cmi.session_time'];
      v['cmi.total_time'] = formatDuration(centiseconds(v['cmi.total_time']) + centiseconds(span));
      if (!span) notes.push({ level: 'warning', text: 'the course never set cmi.session_time; the LMS adds nothing to total_time' });
      const judged = judgedSuccess();
      if (judged !== null && mode === 'normal' && judged !== v['cmi.success_status']) {
        notes.push({ level: 'info', text: `the LMS records success_status '${judged}' (score.scaled against the ` +
          `scaled passing score ${v['cmi.scaled_passing_score']}), not the '${v['cmi.success_status']}' the course set` });
        v['cmi.success_status'] = judged;
      }
      const exit = 'cmi.exit' in v ? v['cmi.exit'] : '';
      if (exit !== 'suspend' && v['adl.nav.request'] !== 'suspendAll') {
        notes.push({ level: 'info', text: `cmi.exit is ${JSON.stringify(exit)}: the learner attempt ends, and the next ` +
          'launch starts a new attempt with nothing stored' });
      }
    }

    // ---------------------------------------------------------------- the 8 functions
    function Initialize(arg) {
      const flags = [];
      let ok = emptyArgument('Initialize', arg, flags);
      if (ok && session.state === 'running') ok = fail(103, 'Initialize was already called in this session', flags);
      else if (ok && session.state === 'finished') ok = fail(104, 'the session ended; a new launch starts a new one', flags);
      if (ok) {
        session.state = 'running';
        if (session.newAttempt) {
          flags.push({ level: 'info', text: 'the last session did not end with cmi.exit "suspend": this is a new attempt' });
        }
        succeed();
      }
      report('Initialize', [arg], String(ok), flags);
      return String(ok);
    }

    function Terminate(arg) {
      const flags = [];
      let ok = emptyArgument('Terminate', arg, flags) && running([112, 113], flags);
      if (ok) {
        closeOut(flags);
        commit();
        session.state = 'finished';
        succeed();
        try { options.onFinish && options.onFinish(persistable(), flags); } catch (e) { /* ignore */ }
      }
      report('Terminate', [arg], String(ok), flags);
      return String(ok);
    }

    function Commit(arg) {
      const flags = [];
      const ok = emptyArgument('Commit', arg, flags) && running([142, 143], flags);
      if (ok) {
        if (!session.changed.size) flags.push({ level: 'info', text: 'nothing changed since the last commit' });
        commit();
        succeed();
      }
      report('Commit', [arg], String(ok), flags);
      return String(ok);
    }

    function getValue(element, flags) {
      if (element === '' || element === undefined) return fail(301, 'no element name given', flags) && '';
      const { generic, arrays } = parse(element);
      if (generic.endsWith('._children')) {
        const base = generic.slice(0, -'._children'.length);
        if (CHILDREN[base]) return succeed() && CHILDREN[base];
        return KNOWN.has(base) ? fail(301, `${base} has no children`, flags) && ''
          : fail(401, `'${element}' is not a SCORM 2004 element`, flags) && '';
      }
      if (generic.endsWith('._count')) {
        const base = generic.slice(0, -'._count'.length);
        if (ARRAYS.includes(base)) return succeed() && String(session.counts[element.slice(0, -'._count'.length)] || 0);
        return KNOWN.has(base) ? fail(301, `${base} is not an array`, flags) && ''
          : fail(401, `'${element}' is not a SCORM 2004 element`, flags) && '';
      }
      if (/^adl\.nav\.request_valid\.(continue|previous)$/.test(element)) return succeed() && 'false';   // one SCO
      if (/^adl\.nav\.request_valid\.(choice|jump)\.\{target=\S+\}$/.test(element)) return succeed() && 'unknown';
      const spec = ELEMENTS[generic];
      if (!spec) {
        const hint = /^cmi\.(core|student_data|student_preference)\./.test(element) ? ' (that is a SCORM 1.2 name)' : '';
        return fail(401, `'${element}' is not a SCORM 2004 element${hint}`, flags) && '';
      }
      if (spec.access === WO) return fail(405, `${generic} is write-only`, flags) && '';
      for (const [path, index] of arrays) {
        if (index >= (session.counts[path] || 0)) {
          return fail(301, `${path}.${index} does not exist (${path}._count is ${session.counts[path] || 0})`, flags) && '';
        }
      }
      if (element === 'cmi.success_status') {
        const judged = judgedSuccess();
        if (judged !== null && session.mode === 'normal') return succeed() && judged;
      }
      if (!(element in session.values)) {
        if (NO_DEFAULT.has(generic)) return fail(403, `${element} has no value yet`, flags) && '';
        return succeed() && '';
      }
      succeed();
      return session.values[element];
    }

    function GetValue(element) {
      const flags = [];
      const name = asString(element, 'the element name', flags);
      let value = '';
      if (running([122, 123], flags)) value = getValue(name, flags);
      value = value === false ? '' : value;
      report('GetValue', [element], value, flags, name);
      return value;
    }

    function setValue(element, value, flags) {
      if (element === '' || element === undefined) return fail(351, 'no element name given', flags);
      if (value === undefined) return fail(351, 'no value given', flags);
      const { generic, arrays } = parse(element);
      if (/\._(children|count|version)$/.test(generic)) return fail(404, `${element} is a keyword and cannot be set`, flags);
      if (/^adl\.nav\.request_valid\./.test(element)) return fail(404, `${element} is read-only`, flags);
      const spec = ELEMENTS[generic];
      if (!spec) {
        const hint = /^cmi\.(core|student_data|student_preference)\./.test(element) ? ' (that is a SCORM 1.2 name)' : '';
        return fail(401, `'${element}' is not a SCORM 2004 element${hint}`, flags);
      }
      if (spec.access === RO) return fail(404, `${generic} is read-only`, flags);
      const created = [];
      for (const [path, index] of arrays) {
        const count = session.counts[path] || 0;
        if (index > count) {
          return fail(351, `index ${index} skips ahead: ${path}._count is ${count}, so the next record is ${path}.${count}`, flags);
        }
        if (index === count) created.push(path);
      }
      const owner = NEEDS_ID.exec(element);
      if (owner && !(`cmi.${owner[1]}.${owner[2]}.id` in session.values)) {
        return fail(408, `set cmi.${owner[1]}.${owner[2]}.id before its other fields`, flags);
      }
      let type;
      if (spec.typed) {
        type = session.values[`${arrays[0][0]}.${arrays[0][1]}.type`];
        if (!type) return fail(408, `set ${arrays[0][0]}.${arrays[0][1]}.type first: the ${spec.typed} format depends on it`, flags);
        const limit = RESPONSES[type].patterns;
        if (spec.typed === 'pattern' && limit && arrays[1][1] >= limit) {
          return fail(351, `a ${type} interaction has ${limit} correct response pattern`, flags);
        }
      }
      if (generic === 'cmi.objectives.n.id' && element in session.values && session.values[element] !== value) {
        return fail(351, 'an objective id is written once', flags);
      }
      if (/\.id$/.test(generic) && generic !== 'cmi.interactions.n.id') {
        const parent = element.replace(/\.\d+\.id$/, '');
        for (let i = 0; i < (session.counts[parent] || 0); i++) {
          if (`${parent}.${i}.id` !== element && session.values[`${parent}.${i}.id`] === value) {
            return fail(351, `the id '${value}' is already ${parent}.${i}.id`, flags);
          }
        }
      }
      const problem = spec.typed ? response(value, type, spec.typed === 'pattern') : (spec.check ? spec.check(value) : null);
      if (problem) {
        if (!problem.limit || session.strict) return fail(problem.code, problem.text, flags);
        flags.push({ level: 'warning', text: `${problem.text}: accepted because strict limits are off; a strict LMS refuses it` });
      }
      const warning = spec.typed && RESPONSES[type].warn ? RESPONSES[type].warn(value) : null;
      if (warning) flags.push({ level: 'warning', text: warning });
      if (generic === 'cmi.session_time') {
        session.sessionTimeSets += 1;
        if (session.sessionTimeSets > 1) flags.push({ level: 'warning', text: 'session_time set again in this session; some LMSs add every value to total_time' });
      }
      if (mode !== 'normal' && TRACKING.test(element)) {
        flags.push({ level: 'warning', text: `the session is in ${mode} mode: an LMS does not record this` });
      }
      created.forEach((path) => { session.counts[path] = (session.counts[path] || 0) + 1; });
      session.values[element] = value;
      session.changed.add(element);
      return succeed();
    }

    function SetValue(element, value) {
      const flags = [];
      const name = asString(element, 'the element name', flags);
      const text = asString(value, 'the value', flags);
      const ok = running([132, 133], flags) && setValue(name, text, flags);
      report('SetValue', [element, value], String(ok), flags, name);
      return String(ok);
    }

    // The error functions do not change the error state (RTE 3.1.4).
    function GetLastError() {
      report('GetLastError', [], session.lastError, []);
      return session.lastError;
    }

    function GetErrorString(code) {
      const text = ERROR_TEXT[String(code)] || '';
      report('GetErrorString', [code], text, []);
      return text;
    }

    function GetDiagnostic(code) {
      const own = code === '' || code === undefined || String(code) === session.lastError;
      const text = own ? (session.diagnostic || ERROR_TEXT[session.lastError] || '') : (ERROR_TEXT[String(code)] || '');
      report('GetDiagnostic', [code], text, []);
      return text;
    }

    session.api = Object.freeze({
      Initialize, Terminate, GetValue, SetValue, Commit, GetLastError, GetErrorString, GetDiagnostic,
    });

    // The page closed without Terminate: what a real LMS would have kept.
    session.abandon = function () {
      if (session.state !== 'running') return null;
      session.state = 'finished';
      return { uncommitted: Array.from(session.changed) };
    };

    return session;
  }

  global.CoursepackPreviewLMS = Object.freeze({
    createSession,
    ERROR_TEXT,
    // What the preview page shows of this data model (inspector.js).
    profile: Object.freeze({
      standard: 'SCORM 2004 4th Edition',
      api: 'API_1484_11',
      finish: 'Terminate',
      errorFunctions: ['GetLastError', 'GetErrorString', 'GetDiagnostic'],
      core: ['cmi.completion_status', 'cmi.success_status', 'cmi.score.scaled', 'cmi.score.raw', 'cmi.score.min',
        'cmi.score.max', 'cmi.progress_measure', 'cmi.location', 'cmi.entry', 'cmi.exit', 'cmi.session_time',
        'cmi.total_time', 'cmi.credit', 'cmi.mode', 'cmi.learner_id', 'cmi.learner_name', 'cmi.scaled_passing_score',
        'adl.nav.request'],
      interactionFields: ['id', 'type', 'description', 'learner_response', 'correct_responses.0.pattern', 'result',
        'weighting', 'latency', 'timestamp'],
      suspendLimit: SUSPEND_LIMIT,
    }),
  });
})(window);
