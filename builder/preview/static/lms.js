/*
 * coursepack preview: a strict SCORM 1.2 LMS (the window.API a course finds), for the preview
 * page only. It never goes into a package.
 *
 * One global: CoursepackPreviewLMS.createSession(options) returns a session whose `api` has the
 * eight SCORM 1.2 functions. Values are checked against the RTE data types, vocabularies and
 * lengths (docs: shared/docs/scorm12-rte.md sections 2, 4, 5 and 8); every call is reported to
 * options.onCall with its result, error code and the rules it broke:
 *   - level "error": the call failed, as on a strict LMS (the error code says why);
 *   - level "warning": accepted here but not portable (a lenient LMS takes it, a strict one
 *     rejects it, or the practice is known to break some LMS);
 *   - level "info": what the LMS itself did (e.g. a status set from the mastery score).
 * With strict limits off, lengths and response formats are accepted up to 64000 characters,
 * as Moodle does by default, but still flagged as warnings.
 */
;(function (global) {
  'use strict';

  // RTE 3.3.2: the only error codes SCORM 1.2 defines.
  const ERROR_TEXT = Object.freeze({
    0: 'No error',
    101: 'General exception',
    201: 'Invalid argument error',
    202: 'Element cannot have children',
    203: 'Element not an array - cannot have count',
    301: 'Not initialized',
    401: 'Not implemented error',
    402: 'Invalid set value, element is a keyword',
    403: 'Element is read only',
    404: 'Element is write only',
    405: 'Incorrect data type',
  });

  const LENIENT_MAX = 64000;   // Moodle's CMIString limit when "SCORM standard mode" is off

  // ------------------------------------------------------------------ data types (RTE 3.4.2)
  const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;                   // CMIDecimal
  const SINTEGER = /^-?\d+$/;                                   // CMISInteger
  const IDENTIFIER = /^[\x21-\x7e]{1,255}$/;                    // CMIIdentifier: printable, no spaces
  const SAFE_IDENTIFIER = /^[A-Za-z0-9_]{1,255}$/;              // what every LMS accepts (old Moodle: ^\w+$)
  const TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/; // CMITime, a time of day
  const TIMESPAN = /^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$/;   // CMITimespan HHHH:MM:SS.SS
  const STATUS = ['passed', 'completed', 'failed', 'incomplete', 'browsed', 'not attempted'];
  const EXIT = ['time-out', 'suspend', 'logout', ''];
  const INTERACTION_TYPES = ['true-false', 'choice', 'fill-in', 'matching', 'performance', 'sequencing',
    'likert', 'numeric'];
  const RESULTS = ['correct', 'wrong', 'unanticipated', 'neutral'];

  // Each check returns null (valid) or {text, limit}: limit = a length or format limit that a
  // lenient LMS accepts (error only with strict limits), otherwise a type error (always 405).
  const ok = null;
  const typeError = (text) => ({ text, limit: false });
  const limitError = (text) => ({ text, limit: true });

  const maxLength = (n, type) => (v) => (v.length > n
    ? limitError(`${v.length} characters; ${type} allows at most ${n}`) : ok);
  const string255 = maxLength(255, 'CMIString255');
  const string4096 = maxLength(4096, 'CMIString4096');

  function vocabulary(words, name) {
    return (v) => (words.includes(v) ? ok
      : typeError(`'${v}' is not in the ${name} vocabulary (${words.map((w) => `'${w}'`).join(', ')})`));
  }

  function decimal(v) {
    return DECIMAL.test(v) ? ok : typeError(`'${v}' is not a CMIDecimal (a number such as 85 or 72.5)`);
  }

  // Scores: CMIDecimal or CMIBlank, 0..100 (RTE 3.4.4; 1.2 LMSs reject 150 with 405).
  function score(v) {
    if (v === '') return ok;
    if (!DECIMAL.test(v)) return typeError(`'${v}' is not a CMIDecimal or blank`);
    const n = Number(v);
    return n < 0 || n > 100 ? typeError(`${v} is out of range: scores are 0 to 100 in SCORM 1.2`) : ok;
  }

  function sinteger(min, max) {
    return (v) => {
      if (!SINTEGER.test(v)) return typeError(`'${v}' is not a CMISInteger`);
      const n = Number(v);
      return n < min || n > max ? typeError(`${v} is out of range ${min} to ${max}`) : ok;
    };
  }

  function identifier(v) {
    if (!IDENTIFIER.test(v)) {
      return typeError(v === '' ? 'a CMIIdentifier cannot be empty'
        : v.length > 255 ? `${v.length} characters; a CMIIdentifier allows at most 255`
          : `'${v}' is not a CMIIdentifier (no spaces or unprintable characters)`);
    }
    return ok;
  }

  function time(v) {
    return TIME.test(v) ? ok : typeError(`'${v}' is not a CMITime (HH:MM:SS, a time of day)`);
  }

  function timespan(v) {
    const m = TIMESPAN.exec(v);
    if (!m) return typeError(`'${v}' is not a CMITimespan (HHHH:MM:SS.SS; never an ISO 8601 duration)`);
    if (Number(m[2]) > 59 || Number(m[3]) > 59) return limitError(`'${v}': minutes and seconds go up to 59`);
    return ok;
  }

  function result(v) {
    return RESULTS.includes(v) || DECIMAL.test(v) ? ok
      : typeError(`'${v}' is not a result (correct, wrong, unanticipated, neutral or a number)`);
  }

  // RTE 3.4.2 CMIFeedback: the response format depends on the interaction type (section 8.1).
  const CHAR = '[0-9a-z]';
  const LIST = new RegExp(`^${CHAR}(,${CHAR})*$`);
  const PAIRS = new RegExp(`^${CHAR}\\.${CHAR}(,${CHAR}\\.${CHAR})*$`);
  const unbrace = (v) => (/^\{.*\}$/.test(v) ? v.slice(1, -1) : v);
  const FEEDBACK = {
    'true-false': (v) => /^[01tf]$/.test(v) || 'one character: t, f, 1 or 0',
    choice: (v) => LIST.test(unbrace(v)) || 'single characters 0-9 or a-z, separated by commas',
    'fill-in': () => true,
    numeric: (v) => DECIMAL.test(v) || 'a CMIDecimal',
    likert: (v) => /^[0-9a-z]?$/.test(v) || 'one character 0-9 or a-z',
    matching: (v) => PAIRS.test(unbrace(v)) || 'source.target pairs of single characters, separated by commas',
    performance: () => true,
    sequencing: (v) => LIST.test(v) || 'single characters 0-9 or a-z, separated by commas',
  };
  function feedback(v, type) {
    if (v.length > 255) return limitError(`${v.length} characters; CMIFeedback allows at most 255`);
    const rule = type && FEEDBACK[type];
    const verdict = rule ? rule(v) : true;
    return verdict === true ? ok : limitError(`'${v}' does not fit a ${type} interaction: ${verdict}`);
  }

  // ------------------------------------------------------------------ the data model (RTE 3.4.4)
  const RO = 'read-only';
  const WO = 'write-only';
  const RW = 'read-write';
  const ELEMENTS = {
    'cmi.core.student_id': { access: RO },
    'cmi.core.student_name': { access: RO },
    'cmi.core.lesson_location': { access: RW, check: string255 },
    'cmi.core.credit': { access: RO },
    'cmi.core.lesson_status': { access: RW, check: vocabulary(STATUS, 'lesson_status') },
    'cmi.core.entry': { access: RO },
    'cmi.core.score.raw': { access: RW, check: score },
    'cmi.core.score.min': { access: RW, check: score },
    'cmi.core.score.max': { access: RW, check: score },
    'cmi.core.total_time': { access: RO },
    'cmi.core.lesson_mode': { access: RO },
    'cmi.core.exit': { access: WO, check: vocabulary(EXIT, 'exit') },
    'cmi.core.session_time': { access: WO, check: timespan },
    'cmi.suspend_data': { access: RW, check: string4096 },
    'cmi.launch_data': { access: RO },
    'cmi.comments': { access: RW, check: string4096 },
    'cmi.comments_from_lms': { access: RO },
    'cmi.objectives.n.id': { access: RW, check: identifier },
    'cmi.objectives.n.score.raw': { access: RW, check: score },
    'cmi.objectives.n.score.min': { access: RW, check: score },
    'cmi.objectives.n.score.max': { access: RW, check: score },
    'cmi.objectives.n.status': { access: RW, check: vocabulary(STATUS, 'status') },
    'cmi.student_data.mastery_score': { access: RO },
    'cmi.student_data.max_time_allowed': { access: RO },
    'cmi.student_data.time_limit_action': { access: RO },
    'cmi.student_preference.audio': { access: RW, check: sinteger(-1, 100) },
    'cmi.student_preference.language': { access: RW, check: string255 },
    'cmi.student_preference.speed': { access: RW, check: sinteger(-100, 100) },
    'cmi.student_preference.text': { access: RW, check: sinteger(-1, 1) },
    'cmi.interactions.n.id': { access: WO, check: identifier },
    'cmi.interactions.n.objectives.n.id': { access: WO, check: identifier },
    'cmi.interactions.n.time': { access: WO, check: time },
    'cmi.interactions.n.type': { access: WO, check: vocabulary(INTERACTION_TYPES, 'interaction type') },
    'cmi.interactions.n.correct_responses.n.pattern': { access: WO, check: feedback, typed: true },
    'cmi.interactions.n.weighting': { access: WO, check: decimal },
    'cmi.interactions.n.student_response': { access: WO, check: feedback, typed: true },
    'cmi.interactions.n.result': { access: WO, check: result },
    'cmi.interactions.n.latency': { access: WO, check: timespan },
  };
  const CHILDREN = {
    cmi: 'core,suspend_data,launch_data,comments,objectives,student_data,student_preference,interactions',
    'cmi.core': 'student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time',
    'cmi.core.score': 'raw,min,max',
    'cmi.objectives': 'id,score,status',
    'cmi.objectives.n.score': 'raw,min,max',
    'cmi.student_data': 'mastery_score,max_time_allowed,time_limit_action',
    'cmi.student_preference': 'audio,language,speed,text',
    'cmi.interactions': 'id,objectives,time,type,correct_responses,weighting,student_response,result,latency',
  };
  const ARRAYS = ['cmi.objectives', 'cmi.interactions', 'cmi.interactions.n.objectives',
    'cmi.interactions.n.correct_responses'];
  const KNOWN = new Set([...Object.keys(ELEMENTS), ...Object.keys(CHILDREN), ...ARRAYS, 'cmi.core.score',
    'cmi.objectives.n.score', 'cmi.student_data', 'cmi.student_preference']);
  const TRACKING = /^cmi\.(core\.(lesson_status|score\.)|interactions\.|objectives\.)/;
  const PERSISTED_WO = ['cmi.core.exit', 'cmi.core.session_time'];

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

  // ------------------------------------------------------------------ time arithmetic
  function centiseconds(span) {
    const m = TIMESPAN.exec(span || '');
    if (!m) return 0;
    return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 100 + Math.round(Number(m[4] || 0) * 100);
  }

  function formatSpan(cs) {
    const pad = (n, w) => String(n).padStart(w, '0');
    const capped = Math.min(cs, ((9999 * 60 + 59) * 60 + 59) * 100 + 99);
    return `${pad(Math.floor(capped / 360000), 4)}:${pad(Math.floor(capped / 6000) % 60, 2)}:` +
      `${pad(Math.floor(capped / 100) % 60, 2)}.${pad(capped % 100, 2)}`;
  }

  // ------------------------------------------------------------------ a session
  /*
   * options:
   *   record     what the LMS stored for this learner: {values, counts, lastExit, launched} or null
   *   learner    {id, name}
   *   mode       'normal' | 'browse' | 'review'
   *   masteryScore  number or null (adlcp:masteryscore, when the package has one)
   *   strict     boolean (changeable later through session.strict)
   *   number     the session number shown in the log
   *   onCall(entry), onCommit(record), onFinish(record, notes)
   */
  function createSession(options) {
    const record = options.record || null;
    const mode = options.mode || 'normal';
    const values = Object.assign({}, record ? record.values : {});
    const counts = Object.assign({}, record ? record.counts : {});
    PERSISTED_WO.forEach((name) => { delete values[name]; });
    const seed = {
      'cmi.core.student_id': options.learner.id,
      'cmi.core.student_name': options.learner.name,
      'cmi.core.credit': mode === 'normal' ? 'credit' : 'no-credit',
      'cmi.core.lesson_mode': mode,
      'cmi.core.entry': !record || !record.launched ? 'ab-initio' : record.lastExit === 'suspend' ? 'resume' : '',
      'cmi.student_data.mastery_score': options.masteryScore === null || options.masteryScore === undefined
        ? '' : String(options.masteryScore),
    };
    Object.assign(values, seed);
    if (!values['cmi.core.lesson_status']) values['cmi.core.lesson_status'] = 'not attempted';
    if (!values['cmi.core.total_time']) values['cmi.core.total_time'] = '0000:00:00.00';

    const session = {
      number: options.number || 1,
      mode,
      strict: options.strict !== false,
      state: 'not-initialized',     // -> running -> finished
      values,
      counts,
      committed: Object.assign({}, values),
      changed: new Set(),           // elements set since the last commit
      lastError: '0',
      diagnostic: '',
      seq: 0,
      sessionTimeSets: 0,
      entry: seed['cmi.core.entry'],
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

    // Arguments must be strings (RTE 3.3: "all values are strings"); coercion is flagged.
    function asString(value, what, flags) {
      if (typeof value === 'string') return value;
      if (value === undefined) return undefined;
      flags.push({ level: 'warning', text: `${what} is a ${typeof value}, not a string; strict adapters compare types` });
      return String(value);
    }

    function lifecycle(flags) {
      if (session.state === 'not-initialized') return fail(301, 'call LMSInitialize("") first', flags);
      if (session.state === 'finished') return fail(101, 'the session ended with LMSFinish; nothing is recorded now', flags);
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
      if ('cmi.core.exit' in session.values) lastExit = session.values['cmi.core.exit'];
      session.changed.clear();
      try { options.onCommit && options.onCommit(persistable()); } catch (e) { /* ignore */ }
    }

    // What an LMS does with the data when the session ends (RTE 3.4.4 lesson_status; Moodle).
    function closeOut(notes) {
      const v = session.values;
      const span = v['cmi.core.session_time'];
      v['cmi.core.total_time'] = formatSpan(centiseconds(v['cmi.core.total_time']) + centiseconds(span));
      if (!span) notes.push({ level: 'warning', text: 'the course never set cmi.core.session_time; the LMS adds nothing to total_time' });
      if (v['cmi.core.lesson_status'] === 'not attempted') {
        v['cmi.core.lesson_status'] = mode === 'browse' ? 'browsed' : 'completed';
        notes.push({ level: 'info', text: `the course never set a status: the LMS records '${v['cmi.core.lesson_status']}'` });
      }
      const mastery = v['cmi.student_data.mastery_score'];
      const raw = v['cmi.core.score.raw'];
      if (mastery !== '' && raw !== undefined && raw !== '' && mode === 'normal') {
        const derived = Number(raw) >= Number(mastery) ? 'passed' : 'failed';
        if (derived !== v['cmi.core.lesson_status']) {
          notes.push({ level: 'info', text: `the LMS overrides lesson_status '${v['cmi.core.lesson_status']}' with ` +
            `'${derived}' from the mastery score ${mastery} (Moodle's "mastery score overrides status", on by default)` });
          v['cmi.core.lesson_status'] = derived;
        }
      }
      if (!('cmi.core.exit' in v)) notes.push({ level: 'info', text: "cmi.core.exit was not set: a normal exit (\"\"), so the next launch is not a resume" });
    }

    // ---------------------------------------------------------------- the 8 functions
    function LMSInitialize(arg) {
      const flags = [];
      let ok = emptyArgument('LMSInitialize', arg, flags);
      if (ok && session.state === 'running') ok = fail(101, 'LMSInitialize was already called in this session', flags);
      else if (ok && session.state === 'finished') ok = fail(101, 'the session ended; a new launch starts a new one', flags);
      if (ok) {
        session.state = 'running';
        succeed();
      }
      report('LMSInitialize', [arg], String(ok), flags);
      return String(ok);
    }

    function LMSFinish(arg) {
      const flags = [];
      let ok = emptyArgument('LMSFinish', arg, flags) && lifecycle(flags);
      if (ok) {
        closeOut(flags);
        commit();
        session.state = 'finished';
        succeed();
        try { options.onFinish && options.onFinish(persistable(), flags); } catch (e) { /* ignore */ }
      }
      report('LMSFinish', [arg], String(ok), flags);
      return String(ok);
    }

    function LMSCommit(arg) {
      const flags = [];
      const ok = emptyArgument('LMSCommit', arg, flags) && lifecycle(flags);
      if (ok) {
        if (!session.changed.size) flags.push({ level: 'info', text: 'nothing changed since the last commit' });
        commit();
        succeed();
      }
      report('LMSCommit', [arg], String(ok), flags);
      return String(ok);
    }

    function getValue(element, flags) {
      if (element === '' || element === undefined) return fail(201, 'no element name given', flags) && '';
      const { generic, arrays } = parse(element);
      if (generic === 'cmi._version') return succeed() && '3.4';
      if (generic.endsWith('._children')) {
        const base = generic.slice(0, -'._children'.length);
        if (CHILDREN[base]) return succeed() && CHILDREN[base];
        return KNOWN.has(base) ? fail(202, `${base} has no children`, flags) && ''
          : fail(201, `'${element}' is not a SCORM 1.2 element`, flags) && '';
      }
      if (generic.endsWith('._count')) {
        const base = generic.slice(0, -'._count'.length);
        if (ARRAYS.includes(base)) return succeed() && String(session.counts[element.slice(0, -'._count'.length)] || 0);
        return KNOWN.has(base) ? fail(203, `${base} is not an array`, flags) && ''
          : fail(201, `'${element}' is not a SCORM 1.2 element`, flags) && '';
      }
      const spec = ELEMENTS[generic];
      if (!spec) {
        const hint = /^cmi\.(completion_status|success_status|location|score\.|exit|session_time|learner_)/.test(element)
          ? ' (that is a SCORM 2004 name)' : '';
        return fail(201, `'${element}' is not a SCORM 1.2 element${hint}`, flags) && '';
      }
      if (spec.access === WO) return fail(404, `${generic} is write-only`, flags) && '';
      for (const [path, index] of arrays) {
        if (index >= (session.counts[path] || 0)) {
          return fail(201, `${path}.${index} does not exist (${path}._count is ${session.counts[path] || 0})`, flags) && '';
        }
      }
      succeed();
      return element in session.values ? session.values[element] : '';
    }

    function LMSGetValue(element) {
      const flags = [];
      const name = asString(element, 'the element name', flags);
      let value = '';
      if (lifecycle(flags)) value = getValue(name, flags);
      value = value === false ? '' : value;
      report('LMSGetValue', [element], value, flags, name);
      return value;
    }

    function setValue(element, value, flags) {
      if (element === '' || element === undefined) return fail(201, 'no element name given', flags);
      if (value === undefined) return fail(201, 'no value given', flags);
      const { generic, arrays } = parse(element);
      if (/\._(children|count|version)$/.test(generic) || generic === 'cmi._version') {
        return fail(402, `${element} is a keyword and cannot be set`, flags);
      }
      const spec = ELEMENTS[generic];
      if (!spec) {
        const hint = /^cmi\.(completion_status|success_status|location|score\.|exit|session_time|learner_)/.test(element)
          ? ' (that is a SCORM 2004 name)' : '';
        return fail(KNOWN.has(generic) ? 201 : 201, `'${element}' is not a SCORM 1.2 element${hint}`, flags);
      }
      if (spec.access === RO) return fail(403, `${generic} is read-only`, flags);
      const created = [];
      for (const [path, index] of arrays) {
        const count = session.counts[path] || 0;
        if (index > count) {
          return fail(201, `index ${index} skips ahead: ${path}._count is ${count}, so the next record is ${path}.${count}`, flags);
        }
        if (index === count) created.push(path);
      }
      // Type, vocabulary, length.
      const type = spec.typed ? session.values[`${arrays[0][0]}.${arrays[0][1]}.type`] : undefined;
      if (spec.typed && !type) {
        flags.push({ level: 'warning', text: 'set the interaction type before the response, so the response format can be checked' });
      }
      let problem = spec.check ? spec.check(value, type) : null;
      if (!problem && generic === 'cmi.core.lesson_status' && value === 'not attempted') {
        problem = typeError("a SCO may not set 'not attempted' (RTE 3.4.4)");
      }
      if (problem) {
        if (!problem.limit || session.strict || value.length > LENIENT_MAX) return fail(405, problem.text, flags);
        flags.push({ level: 'warning', text: `${problem.text}: accepted because strict limits are off (as Moodle does by default); a strict LMS returns 405` });
      }
      // Accepted: advice that does not block.
      if (spec.check === identifier && !SAFE_IDENTIFIER.test(value)) {
        flags.push({ level: 'warning', text: `'${value}' has characters other than letters, digits and '_'; some LMSs (older Moodle) reject it` });
      }
      if (created.includes('cmi.interactions') && !generic.endsWith('.id') && generic.startsWith('cmi.interactions.n.')
          && arrays.length === 1) {
        flags.push({ level: 'warning', text: 'a new interaction record should start with its id' });
      }
      if (generic === 'cmi.core.session_time') {
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

    function LMSSetValue(element, value) {
      const flags = [];
      const name = asString(element, 'the element name', flags);
      const text = asString(value, 'the value', flags);
      const ok = lifecycle(flags) && setValue(name, text, flags);
      report('LMSSetValue', [element, value], String(ok), flags, name);
      return String(ok);
    }

    // The error functions do not change the error state (RTE 3.3.2).
    function LMSGetLastError() {
      report('LMSGetLastError', [], session.lastError, []);
      return session.lastError;
    }

    function LMSGetErrorString(code) {
      const text = ERROR_TEXT[String(code)] || '';
      report('LMSGetErrorString', [code], text, []);
      return text;
    }

    function LMSGetDiagnostic(code) {
      const own = code === '' || code === undefined || String(code) === session.lastError;
      const text = own ? (session.diagnostic || ERROR_TEXT[session.lastError] || '') : (ERROR_TEXT[String(code)] || '');
      report('LMSGetDiagnostic', [code], text, []);
      return text;
    }

    session.api = Object.freeze({
      LMSInitialize, LMSFinish, LMSGetValue, LMSSetValue, LMSCommit, LMSGetLastError, LMSGetErrorString,
      LMSGetDiagnostic,
    });

    // The page closed without LMSFinish: what a real LMS would have kept.
    session.abandon = function () {
      if (session.state !== 'running') return null;
      session.state = 'finished';
      return { uncommitted: Array.from(session.changed) };
    };

    return session;
  }

  global.CoursepackPreviewLMS = Object.freeze({
    createSession, ERROR_TEXT, formatSpan, centiseconds, STRING4096: 4096,
    // What the preview page shows of this data model (inspector.js); lms2004.js has its own.
    profile: Object.freeze({
      standard: 'SCORM 1.2',
      api: 'API',
      finish: 'LMSFinish',
      errorFunctions: ['LMSGetLastError', 'LMSGetErrorString', 'LMSGetDiagnostic'],
      core: ['cmi.core.lesson_status', 'cmi.core.score.raw', 'cmi.core.score.min', 'cmi.core.score.max',
        'cmi.core.lesson_location', 'cmi.core.entry', 'cmi.core.exit', 'cmi.core.session_time', 'cmi.core.total_time',
        'cmi.core.credit', 'cmi.core.lesson_mode', 'cmi.core.student_id', 'cmi.core.student_name',
        'cmi.student_data.mastery_score'],
      interactionFields: ['id', 'type', 'student_response', 'correct_responses.0.pattern', 'result', 'weighting',
        'latency', 'time'],
      suspendLimit: 4096,
    }),
  });
})(window);
