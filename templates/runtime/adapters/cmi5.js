/*
 * coursepack cmi5 adapter (copied to assets/cmi5.js in cmi5 packages): the player's neutral tracking
 * operations (docs/architecture.md, section 4.2) for a cmi5 launch (cmi5 Quartz; docs/cmi5.md).
 *
 * The LMS is an LRS. The launch URL names it (endpoint, fetch, actor, registration, activityId);
 * the adapter POSTs to `fetch` once for the session's token, reads LMS.LaunchData, the learner's
 * preferences and its own State document (the resume data), and only then lets the player start
 * (`ready`). The cmi5 defined statements are made here: `initialized` when ready, `passed`/`failed`
 * from the player's `scored` events, `completed` from its `status` events, `terminated` at the end
 * of the session. They leave through the xAPI reporter's outbox (xapi.js, handed in as `xapi`),
 * which also sends the lesson and question statements as cmi5 allowed statements; every statement
 * gets the LMS's context template. Without a valid launch or token nothing is tracked, and the
 * player shows why (`notice`).
 * One global: CoursepackAdapter (module.exports under Node).
 */
;(function (global) {
  'use strict';

  const CMI5 = 'https://w3id.org/xapi/cmi5/context/';
  const CATEGORY_CMI5 = `${CMI5}categories/cmi5`;          // section 9.6.2.1
  const CATEGORY_MOVEON = `${CMI5}categories/moveon`;      // section 9.6.2.2
  const MASTERY_SCORE = `${CMI5}extensions/masteryscore`;  // section 9.6.3.2
  const SESSION_ID = `${CMI5}extensions/sessionid`;        // section 9.6.3.1
  const ADL_VERBS = 'http://adlnet.gov/expapi/verbs/';     // section 9.3: the AU's verbs
  const LAUNCH_DATA = 'LMS.LaunchData';                    // section 10
  const PREFERENCES = 'cmi5LearnerPreferences';            // section 11
  const RESUME = 'coursepack.resume';                      // the AU's own State document (docs/cmi5.md)
  const XAPI_VERSION = '1.0.3';
  const MODES = Object.freeze({ Normal: 'normal', Browse: 'browse', Review: 'review' });
  const PARAMETERS = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];

  const SUSPEND_LIMIT = 64000;       // characters of resume data (the format's suspend_limit, docs/cmi5.md)
  const REQUEST_TIMEOUT_MS = 15000;
  const COMMIT_DELAY_MS = 1000;      // requestCommit() coalesces into one write this much later
  const RETRY_BASE_MS = 1000;        // a failed write is retried after 1 s, then 2 s ...
  const SAVE_TRIES = 3;              // ... and after 3 failed tries the player is told
  const RETRY_MAX_MS = 60000;
  const KEEPALIVE_BYTES = 16000;     // the last write rides a keepalive request when it is this small

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
  const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
  const IRI = /^[a-z][a-z0-9+.-]*:[^\s]+$/i;

  // ------------------------------------------------------------------ launch parameters (section 8.1)
  // {absent: true} outside an LMS; {problems: [...]} when any parameter is missing or malformed;
  // else the five values (endpoint with a trailing slash, actor parsed, registration lower-case).
  function readLaunch(search) {
    const query = new URLSearchParams(search || '');
    if (!PARAMETERS.some((name) => query.has(name))) return { absent: true };
    const problems = [];
    const value = (name, valid) => {
      const text = query.get(name);
      if (!text || !valid(text)) problems.push(name);
      return text;
    };
    const endpoint = value('endpoint', (v) => HTTP_URL.test(v));
    const fetchUrl = value('fetch', (v) => HTTP_URL.test(v));
    const registration = value('registration', (v) => UUID.test(v));
    const activityId = value('activityId', (v) => IRI.test(v));
    let actor = null;
    value('actor', (text) => {
      try { actor = JSON.parse(text); } catch (error) { return false; }
      return isAgentWithAccount(actor);
    });
    if (problems.length) return { problems };
    return {
      endpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/`,
      fetch: fetchUrl,
      actor: Object.assign({ objectType: 'Agent' }, actor),
      registration: registration.toLowerCase(),
      activityId,
    };
  }

  // Section 9.2: the actor of cmi5 defined statements is an Agent with an account.
  function isAgentWithAccount(actor) {
    if (!actor || typeof actor !== 'object' || Array.isArray(actor)) return false;
    if (actor.objectType !== undefined && actor.objectType !== 'Agent') return false;
    const account = actor.account;
    return Boolean(account && typeof account === 'object' && IRI.test(String(account.homePage || ''))
      && typeof account.name === 'string' && account.name !== '');
  }

  // LMS.LaunchData as this adapter uses it, or null when the LMS wrote something unusable.
  function readLaunchData(data) {
    if (!data || typeof data !== 'object' || !data.contextTemplate || typeof data.contextTemplate !== 'object') return null;
    const mode = MODES[data.launchMode];
    if (!mode) return null;
    const mastery = data.masteryScore;
    return {
      template: data.contextTemplate,
      mode,
      moveOn: typeof data.moveOn === 'string' ? data.moveOn : null,
      masteryScore: typeof mastery === 'number' && mastery >= 0 && mastery <= 1 ? mastery : null,
      returnUrl: typeof data.returnURL === 'string' && data.returnURL ? data.returnURL : null,
      launchParameters: typeof data.launchParameters === 'string' ? data.launchParameters : null,
    };
  }

  // ------------------------------------------------------------------ the context template (section 10)
  // The statement's own context with the LMS's template over it: the template's values are never
  // overwritten (its contextActivities lists come first, its extensions win).
  function withTemplate(template, context) {
    const copy = (value) => JSON.parse(JSON.stringify(value));
    const out = Object.assign({}, context, copy(template));
    const listed = (value) => (Array.isArray(value) ? value : value ? [value] : []);
    const mine = context.contextActivities || {};
    const theirs = template.contextActivities || {};
    const activities = {};
    for (const kind of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
      const seen = new Set();
      activities[kind] = listed(copy(theirs[kind] || [])).concat(listed(mine[kind]))
        .filter((activity) => activity && !seen.has(activity.id) && seen.add(activity.id));
    }
    if (Object.keys(activities).length) out.contextActivities = activities;
    if (context.extensions || template.extensions) {
      out.extensions = Object.assign({}, context.extensions, copy(template.extensions || {}));
    }
    return out;
  }

  // ------------------------------------------------------------------ status vocabulary
  // cmi5 reports completion and success apart, so a status word holds both: `completed`,
  // `incomplete`, or either followed by `-passed` / `-failed`. Never downgraded: completed stays
  // completed, passed stays passed.
  const COMPLETION = ['incomplete', 'completed'];
  const SUCCESS = ['unknown', 'failed', 'passed'];

  function parseStatus(word) {
    const [completion, success] = String(word || '').split('-');
    return { completion: COMPLETION.includes(completion) ? completion : null,
      success: SUCCESS.includes(success) ? success : 'unknown' };
  }

  const vocabulary = Object.freeze({
    statusFor: ({ completion, success }) => (success === 'passed' || success === 'failed' ? `${completion}-${success}` : completion),
    mayReplace(from, to) {
      const before = parseStatus(from);
      const after = parseStatus(to);
      if (!after.completion) return false;
      if (before.completion === 'completed' && after.completion !== 'completed') return false;
      return before.success !== 'passed' || after.success === 'passed';
    },
    isDone: (word) => parseStatus(word).completion === 'completed',
    isFailed: (word) => parseStatus(word).success === 'failed',
    isUnstarted: (word) => !parseStatus(word).completion,
  });


  // A quiz score (0..100, 2 decimals) as a cmi5 score: scaled always, raw/min/max only for a whole
  // number, since cmi5 wants an integer raw (section 9.5.1).
  function scoreOf(score) {
    const hundredths = Math.round(Math.min(100, Math.max(0, Number(score) || 0)) * 100);
    const out = { scaled: hundredths / 10000 };
    if (hundredths % 100 === 0) Object.assign(out, { raw: hundredths / 100, min: 0, max: 100 });
    return out;
  }

  const verb = (name) => ({ id: ADL_VERBS + name, display: { 'en-US': name } });

  // ------------------------------------------------------------------ the adapter
  // options: {window, config, debug, xapi: CoursepackXapi, onCommitFailure, onCommitRecovered}.
  // Connects asynchronously: `ready` settles once the adapter knows whether it tracks.
  function connect(options) {
    const { config, debug } = options;
    const win = options.window;
    const log = (...args) => { if (debug) console.warn('[coursepack cmi5]', ...args); };   // never tokens or learner data
    const launch = readLaunch(win.location && win.location.search);
    // In a cmi5 package the reporter never picks a destination of its own: only this launch's.
    const reporter = options.xapi ? options.xapi.delegate() : null;
    // The reporter's (xapi.js, in every cmi5 package): statements' durations are written one way.
    const isoDuration = (ms) => options.xapi.isoDuration(ms);

    let connected = false;
    let problem = launch.absent ? null : 'not connected yet';
    let auth = null;
    let lms = null;                       // readLaunchData(LMS.LaunchData)
    let preferences = null;               // cmi5LearnerPreferences, when the LMS keeps one
    let outbox = null;                    // the reporter's handle for this launch
    let stored = null;                    // the resume document as read at launch (null: first launch)
    const doc = { status: '', location: '', suspendData: '', exit: '', score: null, time: 0 };
    const saving = { changes: 0, saved: 0, busy: false, again: false, failures: 0, warned: false, timer: null };
    const registration = { passed: false, completed: false };   // defined statements sent in the registration
    const session = { started: 0, verdict: null, held: null, ended: false };

    // ---------------------------------------------------------------- HTTP
    function request(method, url, { body = null, keepalive = false, headers = {} } = {}) {
      const init = { method, cache: 'no-store', credentials: 'omit', keepalive, headers: Object.assign({}, headers) };
      if (auth) {
        init.headers.Authorization = auth;
        init.headers['X-Experience-API-Version'] = XAPI_VERSION;
      }
      if (body !== null) {
        init.body = body;
        init.headers['Content-Type'] = 'application/json';
      }
      let timer = null;
      if (!keepalive && typeof AbortController === 'function') {
        const controller = new AbortController();
        init.signal = controller.signal;
        timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
      }
      return fetch(url, init)
        .then((response) => response.text().then((text) => ({ status: response.status, text })))
        .catch((error) => ({ status: 0, text: String(error && error.name) }))
        .finally(() => { if (timer) clearTimeout(timer); });
    }

    const json = (text) => { try { return JSON.parse(text); } catch (error) { return undefined; } };

    function stateUrl(stateId) {
      const query = new URLSearchParams({ stateId, activityId: launch.activityId,
        agent: JSON.stringify(launch.actor), registration: launch.registration });
      return `${launch.endpoint}activities/state?${query}`;
    }

    // A JSON document (State or Agent Profile): its value, null when there is none (404), or an Error.
    function getDocument(url) {
      return request('GET', url).then(({ status, text }) => {
        if (status === 404) return null;
        const value = status === 200 ? json(text) : undefined;
        return value === undefined ? new Error(`${status}`) : value;
      });
    }

    // ---------------------------------------------------------------- launch (sections 8.2, 10, 11)
    // Section 8.2: one POST to the fetch URL per launch; its auth-token goes in every request as Basic.
    async function open() {
      const answer = await request('POST', launch.fetch);
      const token = answer.status === 200 && json(answer.text);
      if (!token || typeof token['auth-token'] !== 'string' || !token['auth-token']) {
        const code = token && token['error-code'];
        throw new Error(code ? `the fetch URL answered error-code ${code}` : `the fetch URL answered ${answer.status}`);
      }
      auth = `Basic ${token['auth-token']}`;
      lms = readLaunchData(await getDocument(stateUrl(LAUNCH_DATA)));
      if (!lms) throw new Error('LMS.LaunchData is missing or not usable');
      const agent = new URLSearchParams({ agent: JSON.stringify(launch.actor), profileId: PREFERENCES });
      const found = await getDocument(`${launch.endpoint}agents/profile?${agent}`);
      preferences = found && !(found instanceof Error) && typeof found === 'object' ? found : null;
      stored = await getDocument(stateUrl(RESUME));
      if (stored instanceof Error) throw new Error(`the resume document could not be read (${stored.message})`);
      if (stored && typeof stored === 'object') {
        for (const key of Object.keys(doc)) if (typeof stored[key] === typeof doc[key] || key === 'score') doc[key] = stored[key];
      }
      const status = parseStatus(doc.status);
      registration.passed = status.success === 'passed';
      registration.completed = status.completion === 'completed';
      outbox = reporter && reporter.open({ label: 'cmi5', endpoint: launch.endpoint, auth, actor: launch.actor,
        registration: launch.registration, context: (context) => withTemplate(lms.template, context) });
      if (!outbox) throw new Error('the xAPI reporter (assets/xapi.js) is not loaded');
      connected = true;
      problem = null;
      session.started = Date.now();
      defined('initialized');               // section 7.1.1: the first statement of the session
    }

    const ready = launch.absent || launch.problems
      ? Promise.resolve()
      : open().catch((error) => {
        connected = false;
        problem = error.message;
        log('not tracking:', problem);
      });
    if (launch.problems) {
      problem = `launch parameters missing or malformed: ${launch.problems.join(', ')}`;
      log('not tracking:', problem);
    }

    // ---------------------------------------------------------------- defined statements (section 9.3)
    // category cmi5 (and moveon with success or completion), the activityId as object.
    function defined(name, { result = null, mastery = false, extensions = {}, at = new Date() } = {}) {
      const category = [{ objectType: 'Activity', id: CATEGORY_CMI5 }];
      if (result && ('success' in result || 'completion' in result)) category.push({ objectType: 'Activity', id: CATEGORY_MOVEON });
      const more = Object.assign({}, extensions);
      if (mastery && lms.masteryScore !== null) more[MASTERY_SCORE] = lms.masteryScore;
      outbox.send({ verb: verb(name), object: { objectType: 'Activity', id: launch.activityId }, result,
        activities: { category }, extensions: more }, at);
    }

    const judging = () => connected && !session.ended && lms.mode === 'normal';
    // The mark the verdict is judged by, in hundredths of a percent: the LMS's masteryScore, else the package's.
    const mark = () => Math.round((lms.masteryScore !== null ? lms.masteryScore * 100 : Number(config.passMark) || 0) * 100);

    // One verdict per session, and never `failed` after `passed` in the registration (section 9.3):
    // a pass goes out at once; a failure waits for the session's end, so that a retake passed in the
    // same session is reported instead.
    function onScored(detail, at) {
      if (!judging() || registration.passed || session.verdict) return;
      const score = scoreOf(detail.score);
      const duration = isoDuration(at - session.started);
      if (Math.round(score.scaled * 10000) >= mark()) {
        session.held = null;
        session.verdict = 'passed';
        registration.passed = true;
        defined('passed', { result: { score, success: true, duration }, mastery: true, at });
      } else {
        session.held = { score, duration, at };
      }
    }

    // `completed` once per registration, when the completion rule is met (the player's status).
    function onStatus(detail, at) {
      if (!judging() || registration.completed || parseStatus(detail.status).completion !== 'completed') return;
      registration.completed = true;
      const result = { completion: true, duration: isoDuration(doc.time + (at - session.started)) };
      // The certificate's code and printed date, as the reporter writes them for every format.
      const extensions = options.xapi.certificateExtensions(detail.certificate);
      if (extensions) result.extensions = extensions;
      defined('completed', { result, at });
    }

    // The player's events, handled after its own handling and after the reporter's (which listened
    // first), so a verdict follows the answers it judges.
    if (win.document) {
      win.document.addEventListener('coursepack', (event) => {
        const detail = (event && event.detail) || {};
        if (detail.type !== 'scored' && detail.type !== 'status') return;
        const at = new Date();
        queueMicrotask(() => {
          try {
            if (detail.type === 'scored') onScored(detail, at);
            else onStatus(detail, at);
          } catch (error) {
            log('event not reported', detail.type, error);
          }
        });
      });
    }

    // ---------------------------------------------------------------- the resume document
    function change(key, value) {
      if (!connected || session.ended || lms.mode !== 'normal') return false;
      if (doc[key] !== value) {
        doc[key] = value;
        saving.changes += 1;
      }
      return true;
    }

    // PUT the whole document; one write at a time, the latest state wins.
    function save({ keepalive = false } = {}) {
      if (saving.timer) clearTimeout(saving.timer);
      saving.timer = null;
      if (!connected && !session.ended) return false;
      if (saving.saved === saving.changes) return true;
      if (saving.busy && !keepalive) {
        saving.again = true;
        return true;
      }
      const version = saving.changes;
      const body = JSON.stringify(doc);
      saving.busy = true;
      request('PUT', stateUrl(RESUME), { body, keepalive: keepalive && body.length <= KEEPALIVE_BYTES }).then(({ status }) => {
        saving.busy = false;
        if (status >= 200 && status < 300) {
          saving.saved = Math.max(saving.saved, version);
          saving.failures = 0;
          if (saving.warned) {
            saving.warned = false;
            if (options.onCommitRecovered) options.onCommitRecovered();
          }
        } else if (!session.ended) {
          saving.failures += 1;
          log('the resume document was not saved:', status || 'network error');
          if (saving.failures >= SAVE_TRIES && !saving.warned) {
            saving.warned = true;
            if (options.onCommitFailure) options.onCommitFailure();
          }
          saving.timer = setTimeout(save, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (saving.failures - 1)));
          return;
        }
        if (saving.again) {
          saving.again = false;
          save();
        }
      });
      return true;
    }

    // ---------------------------------------------------------------- what the player reads
    // {learner, entry, location, suspendData, status, credit, mode}, plus what the LMS decides for
    // this launch: passMark (its masteryScore, 0..100), returnUrl, audio ('on'/'off' or null).
    function launchData() {
      const entry = !stored ? 'ab-initio' : doc.exit === 'suspend' ? 'resume' : '';
      const audio = preferences && (preferences.audioPreference === 'on' || preferences.audioPreference === 'off')
        ? preferences.audioPreference : null;
      return {
        learner: { id: launch.actor.account.name, name: typeof launch.actor.name === 'string' ? launch.actor.name : '' },
        entry, location: doc.location, suspendData: doc.suspendData, status: doc.status, credit: 'credit', mode: lms.mode,
        passMark: lms.masteryScore !== null ? Math.round(lms.masteryScore * 10000) / 100 : null,
        returnUrl: lms.returnUrl, audio,
      };
    }

    // The end of the session: the held failure, `terminated` (the last statement, with the session's
    // duration), the resume document with its exit and time. After it the token is no longer used.
    function terminate({ exit, sessionMs }) {
      if (!connected || session.ended) return false;
      if (lms.mode === 'normal') {
        if (exit !== null) change('exit', exit);
        change('time', doc.time + Math.max(0, Number(sessionMs) || 0));
        if (session.held && !registration.passed) {
          const { score, duration, at } = session.held;
          defined('failed', { result: { score, success: false, duration }, mastery: true, at });
        }
      }
      session.held = null;
      session.ended = true;
      defined('terminated', { result: { duration: isoDuration(sessionMs) } });
      connected = false;
      save({ keepalive: true });
      return true;
    }

    const adapter = Object.freeze({
      format: 'cmi5',
      suspendLimit: SUSPEND_LIMIT,
      ready,
      get connected() { return connected; },
      get dirty() { return connected && saving.saved !== saving.changes; },
      // the player's notice when it does not track: a cmi5 launch that failed (null: no LMS at all)
      get notice() { return problem ? 'lms_not_connected' : null; },
      ...vocabulary,
      launch: launchData,
      storedScore: () => (typeof doc.score === 'number' ? doc.score : null),
      setStatus: (status) => change('status', status),
      setExit: (exit) => change('exit', exit),
      setLocation: (location) => change('location', location),
      setSuspendData: (data) => String(data).length <= SUSPEND_LIMIT && change('suspendData', String(data)),
      setProgress: () => false,                       // statements say it; nothing to store
      setScore: ({ raw }) => change('score', Number(raw)),
      appendInteractions: () => {},                   // the reporter sends each answer as an `answered` statement
      commit: () => save(),
      requestCommit() {
        if (connected && !saving.timer) saving.timer = setTimeout(save, COMMIT_DELAY_MS);
      },
      terminate,
    });

    // A read-only view for tests and debugging (never the token or the learner).
    win.coursepackCmi5 = Object.freeze({
      state: () => ({
        connected,
        problem,
        mode: lms ? lms.mode : null,
        masteryScore: lms ? lms.masteryScore : null,
        moveOn: lms ? lms.moveOn : null,
        returnUrl: lms ? lms.returnUrl : null,
        launchParameters: lms ? lms.launchParameters : null,
        preferences,
        sessionId: lms && lms.template.extensions ? lms.template.extensions[SESSION_ID] || null : null,
        held: Boolean(session.held),
        verdict: session.verdict,
        ended: session.ended,
      }),
    });
    return adapter;
  }

  const api = Object.freeze({ connect, readLaunch, readLaunchData, withTemplate, scoreOf, ...vocabulary });
  global.CoursepackAdapter = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
