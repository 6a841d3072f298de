/*
 * coursepack xAPI reporter (copied to assets/xapi.js only when course.yaml has an `xapi:` block).
 *
 * Loads before the player's scripts and only listens to the player's `coursepack` events
 * (docs/architecture.md, section 7): it never calls the SCORM API, never throws into the player,
 * and never makes SCORM tracking wait. Each event becomes xAPI 1.0.3 statements (README, "xAPI"),
 * each with its own UUID, queued in a localStorage outbox and sent in batches with backoff. An
 * LRS answer of 2xx, or 409 for a statement it already holds, counts as delivered, so a resend
 * never duplicates. On pagehide the rest goes out with fetch keepalive; whatever still did not
 * arrive is sent on the next launch.
 *
 * Where statements go, in this order: launch parameters (endpoint, auth, actor, registration,
 * activity_id: the Tin Can launch convention), the relay from the configuration, an endpoint
 * baked in at build time. Without a destination or an actor nothing is sent. A format whose LMS
 * is the LRS (cmi5.js) takes over instead with CoursepackXapi.delegate(): then only the launch it
 * opens is used, its context template goes into every statement, and the session's own
 * statements (start, verdicts, completion, end) are the adapter's, sent through this outbox.
 * Classic script, no dependencies; globals: CoursepackXapi (for adapters) and coursepackXapi (a
 * read-only view for tests).
 */
;(function () {
  'use strict';

  // Under Node (node --test), the pure helpers only; the reporter itself needs a page.
  if (typeof module === 'object' && module.exports) module.exports = Object.freeze({ isoDuration, xapiResponse });

  let config = null;
  try {
    config = JSON.parse(document.getElementById('course-config').textContent);
  } catch (error) {
    return;
  }
  const X = config && config.xapi;
  if (!X) return;

  const DEBUG = /coursepack-debug/.test(window.location.search + window.location.hash);
  const log = (...args) => { if (DEBUG) console.warn('[coursepack xAPI]', ...args); };   // never learner data or keys

  const BATCH_SIZE = 25;             // statements per request
  const FLUSH_DELAY_MS = 150;        // statements made together go out together
  const BACKOFF_BASE_MS = 1000;      // then 2 s, 4 s ... (with jitter)
  const BACKOFF_MAX_MS = 20000;
  const REQUEST_TIMEOUT_MS = 15000;
  const KEEPALIVE_BUDGET = 60000;    // bytes: browsers allow 64 KiB of keepalive bodies in flight
  const OUTBOX_LIMIT = 2000;         // statements kept at most; the oldest go first
  const STORE = 'coursepack-xapi:';
  const TERMINAL = ['passed', 'completed'];
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

  // ------------------------------------------------------------------ helpers
  function uuid() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // ISO 8601 duration with at most centisecond precision: PT1H2M3.45S.
  function isoDuration(ms) {
    let cs = Math.max(0, Math.round(Number(ms) / 10) || 0);
    const hours = Math.floor(cs / 360000);
    cs -= hours * 360000;
    const minutes = Math.floor(cs / 6000);
    cs -= minutes * 6000;
    let seconds = (cs / 100).toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
    let out = 'PT';
    if (hours) out += `${hours}H`;
    if (minutes) out += `${minutes}M`;
    if (cs || (!hours && !minutes)) out += `${seconds}S`;
    return out;
  }

  // A short stable hash (storage keys must not spell out endpoints or learner ids).
  function hash(text) {
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(36) + (h1 >>> 0).toString(36);
  }

  function readStore(key, fallback) {
    try {
      const raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function writeStore(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      log('localStorage refused to save', key.split(':')[1]);
      return false;
    }
  }

  function parseJSON(text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (error) { return null; }
  }

  const withSlash = (url) => (url.endsWith('/') ? url : `${url}/`);
  const ref = (activity) => ({ objectType: 'Activity', id: activity.id });

  // SCORM 1.2 response or pattern -> xAPI response format (xAPI Data 2.4.4.1, "Response Patterns").
  function xapiResponse(kind, value) {
    const text = String(value);
    if (kind === 'true-false') return text === 't' ? 'true' : text === 'f' ? 'false' : text;
    if (kind === 'choice' || kind === 'sequencing') return text.split(',').join('[,]');
    if (kind === 'matching') return text.split(',').map((pair) => pair.split('.').join('[.]')).join('[,]');
    return text;
  }

  // ------------------------------------------------------------------ launch and destination
  const query = new URLSearchParams(window.location.search);
  const launch = {
    endpoint: query.get('endpoint'),
    auth: query.get('auth'),
    actor: parseJSON(query.get('actor')),
    registration: query.get('registration'),
    activityId: query.get('activity_id'),
  };

  function pickDestination() {
    if (delegated) return lms ? { mode: lms.label, relay: false, url: `${lms.endpoint}statements`, auth: lms.auth, perSession: true } : null;
    if (launch.endpoint && /^https?:\/\//i.test(launch.endpoint)) {
      return { mode: 'launch', relay: false, url: `${withSlash(launch.endpoint)}statements`, auth: launch.auth || null };
    }
    if (X.relay) return { mode: 'relay', relay: true, url: X.relay, auth: null };
    if (X.endpoint) return { mode: 'build', relay: false, url: `${withSlash(X.endpoint)}statements`, auth: X.auth || null };
    return null;
  }

  // The relay refuses every statement of an actor without an LMS account (docs/relay-rules.md,
  // rule `actor`): such a learner is not reported there, and is offered no certificate.
  const acceptedBy = (destination, actor) => !destination.relay || Boolean(actor.account);

  // An Agent from the launch `actor` (xAPI 1.0 JSON, or the 0.9 form with arrays TinCanJS accepts).
  function launchActor(value) {
    if (!value || typeof value !== 'object') return null;
    const first = (v) => (Array.isArray(v) ? v[0] : v);
    const agent = { objectType: 'Agent' };
    const account = first(value.account);
    if (account && typeof account === 'object') {
      const homePage = account.homePage || account.accountServiceHomePage;
      const name = account.name || account.accountName;
      if (homePage && name) agent.account = { homePage: String(homePage), name: String(name) };
    }
    if (!agent.account) {
      const mbox = first(value.mbox);
      const sha1 = first(value.mbox_sha1sum);
      const openid = first(value.openid);
      if (mbox) agent.mbox = /^mailto:/i.test(mbox) ? String(mbox) : `mailto:${mbox}`;
      else if (sha1) agent.mbox_sha1sum = String(sha1);
      else if (openid) agent.openid = String(openid);
      else return null;
    }
    if (X.learnerName && first(value.name)) agent.name = String(first(value.name));
    return agent;
  }

  // The learner id of an agent, as the certificate code and the completions report take it
  // (builder/xapi/report.py): the account name, else the mbox, openid or mbox_sha1sum as sent.
  const learnerId = (agent) => (agent.account ? agent.account.name : agent.mbox || agent.openid || agent.mbox_sha1sum);

  // The SCORM learner as an account on the LMS (homePage from the build), "Last, First" -> "First Last".
  function scormActor(learner) {
    if (!X.homePage || !learner || !learner.id) return null;
    const agent = { objectType: 'Agent', account: { homePage: X.homePage, name: String(learner.id) } };
    if (X.learnerName && learner.name) {
      const m = /^\s*([^,]+),\s*(.+)$/.exec(learner.name);
      agent.name = m ? `${m[2].trim()} ${m[1].trim()}` : String(learner.name).trim();
    }
    return agent;
  }

  // ------------------------------------------------------------------ outbox and delivery
  let delegated = false;           // an adapter took over (delegate()); lms: the launch it opened
  let lms = null;
  let dest = null;
  let OUTBOX = null;
  let outbox = [];
  function choose() {
    dest = pickDestination();
    OUTBOX = dest ? `${STORE}outbox:${hash(dest.url)}` : null;
    outbox = dest ? readStore(OUTBOX, []) : [];
    if (!Array.isArray(outbox)) outbox = [];
  }
  choose();
  const delivered = new Set();
  const madeHere = new Set();      // ids of the statements this page made (the rest are an earlier launch's)
  let closed = false;              // a per-session token stopped working: what is left waits for the next launch
  let lastStamp = 0;
  const counts = { sent: 0, rejected: 0, requests: 0 };
  let sending = false;
  let singles = 0;                 // after a 409/400 on a batch, send this many one by one
  let failures = 0;
  let timer = null;
  let timerDue = 0;
  let lastStatus = null;
  const keptAlive = new Set();     // ids sent with keepalive and not answered yet: not sent twice

  // Merge with what another window of this origin saved meanwhile; drop what was delivered.
  function persist() {
    if (!dest) return;
    const seen = new Set();
    const merged = [];
    for (const statement of readStore(OUTBOX, []).concat(outbox)) {
      if (statement && statement.id && !seen.has(statement.id) && !delivered.has(statement.id)) {
        seen.add(statement.id);
        merged.push(statement);
      }
    }
    outbox = merged.slice(-OUTBOX_LIMIT);
    writeStore(OUTBOX, outbox);
  }

  function pending() {
    return outbox.filter((statement) => !delivered.has(statement.id));
  }

  function enqueue(statement) {
    madeHere.add(statement.id);
    outbox.push(statement);
    persist();
    schedule(FLUSH_DELAY_MS);
  }

  function schedule(ms) {
    if (!dest || closed) return;
    const due = Date.now() + ms;
    if (timer !== null) {
      if (timerDue <= due) return;
      clearTimeout(timer);
    }
    timerDue = due;
    timer = setTimeout(() => { timer = null; flush(); }, ms);
  }

  function markDelivered(batch) {
    for (const statement of batch) delivered.add(statement.id);
    counts.sent += batch.length;
    persist();
  }

  function request(batch, keepalive) {
    const init = { method: 'POST', body: JSON.stringify(batch), credentials: 'omit', cache: 'no-store', keepalive };
    if (dest.relay) {
      init.headers = { 'Content-Type': 'text/plain;charset=UTF-8' };   // a "simple" request: no preflight
    } else {
      init.headers = { 'Content-Type': 'application/json', 'X-Experience-API-Version': X.version };
      if (dest.auth) init.headers.Authorization = dest.auth;
    }
    let timeout = null;
    if (!keepalive && typeof AbortController === 'function') {
      const controller = new AbortController();
      init.signal = controller.signal;
      timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    }
    counts.requests += 1;
    return fetch(dest.url, init)
      .then((response) => (response.ok ? { status: response.status }
        : response.text().then((text) => ({ status: response.status, detail: text.slice(0, 300) }),
          () => ({ status: response.status }))))
      .catch((error) => ({ status: 0, detail: String(error && error.name) }))
      .finally(() => { if (timeout) clearTimeout(timeout); });
  }

  function backoff() {
    failures += 1;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
    schedule(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  // What an answer means for the batch that was sent.
  function settle(batch, result) {
    const status = result.status;
    lastStatus = status;
    if ((status >= 200 && status < 300) || (status === 409 && batch.length === 1)) {
      markDelivered(batch);
      failures = 0;
      if (pending().length) schedule(0);
      return;
    }
    if (batch.length > 1 && (status === 409 || status === 400 || status === 413 || status === 422)) {
      singles = batch.length;        // find the statement the LRS objects to, one by one
      schedule(0);
      return;
    }
    // A per-session token (cmi5) refused: an earlier launch's statement is dropped, as the LMS closed
    // that session for good; this page's own wait in the outbox for the next launch's token.
    const expired = dest.perSession && (status === 401 || status === 403);
    if (expired && batch.length > 1) {
      singles = batch.length;
      schedule(0);
      return;
    }
    if (status === 400 || status === 413 || status === 422 || (expired && !madeHere.has(batch[0].id))) {
      log('the LRS refused a statement', status, result.detail || '');   // retrying cannot help
      for (const statement of batch) delivered.add(statement.id);
      counts.rejected += batch.length;
      persist();
      if (pending().length) schedule(0);
      return;
    }
    if (expired) {
      closed = true;
      log('the session\'s token no longer works; the rest goes out at the next launch');
      return;
    }
    log('delivery failed, will retry', status || 'network error');
    backoff();
  }

  function flush() {
    if (!dest || sending || closed) return;
    const batch = pending().slice(0, singles > 0 ? 1 : BATCH_SIZE);
    if (!batch.length) return;
    if (singles > 0) singles -= 1;
    sending = true;
    request(batch, false).then((result) => {
      sending = false;
      settle(batch, result);
    });
  }

  // The page is going away (or hidden): send what is left with keepalive, within the quota.
  // The statements stay in the outbox until an answer is seen; the next launch resends them.
  function flushKeepalive() {
    if (!dest || closed) return;
    const batch = [];
    let bytes = 2;
    for (const statement of pending()) {
      if (keptAlive.has(statement.id)) continue;
      const size = new Blob([JSON.stringify(statement)]).size + 1;
      if (bytes + size > KEEPALIVE_BUDGET || batch.length >= BATCH_SIZE * 4) break;
      batch.push(statement);
      bytes += size;
    }
    if (!batch.length) return;
    for (const statement of batch) keptAlive.add(statement.id);
    try {
      request(batch, true).then((result) => {
        for (const statement of batch) keptAlive.delete(statement.id);
        settle(batch, result);
      });
    } catch (error) {
      if (dest.relay && navigator.sendBeacon) {
        navigator.sendBeacon(dest.url, new Blob([JSON.stringify(batch)], { type: 'text/plain;charset=UTF-8' }));
      }
    }
  }

  // ------------------------------------------------------------------ the session
  let session = null;        // {actor, registration, record, ...} once the player started and we report
  let reason = dest ? 'waiting for the player' : 'no endpoint, relay or launch parameters';
  const clock = { start: Date.now(), hiddenAt: null, paused: 0 };
  const elapsed = () => Date.now() - clock.start - clock.paused;
  let endDetail = null;

  // extra: contextActivities to add; more: extensions to add. A delegated launch's template goes over it.
  function context(extra, more) {
    const ctx = { registration: lms ? lms.registration : session.registration, language: X.language, platform: 'coursepack' };
    const activities = Object.assign({}, extra || {});
    if (session && session.launchActivity) activities.grouping = (activities.grouping || []).concat([session.launchActivity]);
    if (Object.keys(activities).length) ctx.contextActivities = activities;
    const extensions = { [X.extensions.courseVersion]: X.courseVersion };
    if (X.creditHours !== null && X.creditHours !== undefined) extensions[X.extensions.creditHours] = X.creditHours;
    ctx.extensions = Object.assign(extensions, more || {});
    return lms ? lms.context(ctx) : ctx;
  }

  // Timestamps strictly increase within a page, so order by timestamp is the order of making.
  function stamp(at) {
    lastStamp = Math.max((at || new Date()).getTime(), lastStamp + 1);
    return new Date(lastStamp).toISOString();
  }

  function post(verb, object, result, ctx, at) {
    const statement = { id: uuid(), actor: lms ? lms.actor : session.actor, verb, object, context: ctx, timestamp: stamp(at) };
    if (result) statement.result = result;
    enqueue(statement);
    return statement;
  }

  function send(verbName, object, result, extra, at) {
    post(X.verbs[verbName], object, result, context(extra), at);
  }

  function saveRecord() {
    writeStore(session.recordKey, session.record);
  }

  function onStart(detail, at) {
    if (!dest) return;
    setTimeout(flush, 0);                                 // leftovers of an earlier session, in any case
    window.addEventListener('pagehide', onPageHide);      // after the player's: LMSFinish goes first
    if (detail.mode === 'browse' || detail.mode === 'review') { reason = 'review mode'; return; }
    if (lms) {                                            // the adapter's launch: its learner and registration
      session = { actor: lms.actor, registration: lms.registration, record: null, experienced: new Set(), launchActivity: null };
      reason = '';
      return;
    }
    const actor = launchActor(launch.actor) || scormActor(detail.learner);
    if (!actor) { reason = 'no actor (no launch actor, or no LMS learner with lms_homepage)'; return; }
    if (!acceptedBy(dest, actor)) { reason = 'the relay records LMS account actors only'; return; }
    const who = actor.account ? `${actor.account.homePage} ${actor.account.name}` : actor.mbox || actor.mbox_sha1sum || actor.openid;
    const recordKey = `${STORE}registration:${hash(`${X.course.id}\n${who}`)}`;
    let record = readStore(recordKey, null);
    const given = launch.registration && UUID.test(launch.registration) ? launch.registration.toLowerCase() : null;
    if (given) {
      if (!record || record.registration !== given) record = { registration: given, sessions: 0, completed: false };
    } else if (!record || !UUID.test(record.registration || '') || detail.entry === 'ab-initio') {
      record = { registration: uuid(), sessions: 0, completed: false };   // a new LMS attempt
    }
    const resumed = record.sessions > 0 || (given !== null && detail.entry === 'resume');
    if (TERMINAL.includes(detail.status)) record.completed = true;       // completed in an earlier session
    record.sessions += 1;
    session = {
      actor,
      registration: record.registration,
      record,
      recordKey,
      experienced: new Set(),
      launchActivity: launch.activityId && launch.activityId !== X.course.id ? { objectType: 'Activity', id: launch.activityId } : null,
    };
    reason = '';
    saveRecord();
    clock.start = at.getTime();
    clock.paused = 0;
    send(resumed ? 'resumed' : 'initialized', X.course, null, null, at);
    if (detail.mode === 'no-lms' && X.notice) {          // a Tin Can launch: progress IS recorded
      const box = document.querySelector('[data-notice="mode"]');
      if (box) box.textContent = X.notice;
    }
  }

  function onView(detail, at) {
    const lesson = detail.lessonId && X.lessons[detail.lessonId];
    if (!lesson || session.experienced.has(detail.lessonId)) return;
    session.experienced.add(detail.lessonId);
    send('experienced', lesson, null, { parent: [ref(X.course)] }, at);
  }

  function onScored(detail, at) {
    for (const answer of detail.answers || []) {
      const activity = X.questions[answer.id];
      if (!activity) continue;
      const kind = activity.definition.interactionType;
      const object = { objectType: 'Activity', id: activity.id, definition: Object.assign({}, activity.definition) };
      const patterns = answer.patterns;  // every answer in the 'scored' event carries its list
      if (Array.isArray(patterns) && patterns.length) object.definition.correctResponsesPattern = patterns.map((p) => xapiResponse(kind, p));
      const result = { response: xapiResponse(kind, answer.response === null || answer.response === undefined ? '' : answer.response) };
      if (typeof answer.correct === 'boolean') result.success = answer.correct;
      if (Number.isFinite(answer.latencyMs)) result.duration = isoDuration(answer.latencyMs);
      send('answered', object, result, { parent: [ref(X.quiz)], grouping: [ref(X.course)] }, at);
    }
    if (delegated) return;   // the verdict is the adapter's
    const score = Math.min(100, Math.max(0, Number(detail.score) || 0));
    send(detail.passed ? 'passed' : 'failed', X.course, {
      score: { scaled: Math.round(score * 100) / 10000, raw: score, min: 0, max: 100 },
      success: Boolean(detail.passed),
      duration: isoDuration(at - clock.start - clock.paused),
    }, X.quiz ? { other: [ref(X.quiz)] } : null, at);
  }

  // The course evaluation (never scored): one `answered` per rated item, a likert interaction
  // with the evaluation's scale, and one for the comment (fill-in) when given. No
  // correctResponsesPattern, no success, no score. The course is the parent.
  function onEvaluated(detail, at) {
    const items = X.evaluation || {};
    const box = config.quiz && config.quiz.evaluation && config.quiz.evaluation.comment;
    const limit = (box && box.maxLength) || 255;
    for (const answer of detail.answers || []) {
      const activity = items[answer.id];
      if (!activity || answer.response === null || answer.response === undefined) continue;
      const kind = activity.definition.interactionType;
      // As the SCORM side writes it: the comment on one line, ends trimmed, at most 255 characters.
      const response = kind === 'fill-in' ? String(answer.response).replace(/\s+/g, ' ').trim().slice(0, limit)
        : String(answer.response);
      if (response === '') continue;
      const object = { objectType: 'Activity', id: activity.id, definition: Object.assign({}, activity.definition) };
      const result = { response };
      if (Number.isFinite(answer.latencyMs)) result.duration = isoDuration(answer.latencyMs);
      send('answered', object, result, { parent: [ref(X.course)] }, at);
    }
  }

  function onStatus(detail, at) {
    if (delegated) return;   // `completed` is the adapter's
    if (!TERMINAL.includes(detail.status) || session.record.completed) return;
    session.record.completed = true;
    saveRecord();
    const result = { completion: true, duration: isoDuration(at - clock.start - clock.paused) };
    const extensions = certificateExtensions(detail.certificate);
    if (extensions) result.extensions = extensions;
    send('completed', X.course, result, null, at);
  }

  // The result extensions of `completed` for the certificate the `status` event carries (null
  // without one): its verification code and the date printed on it, the learner's local date, so a
  // provider can check a printed certificate against the LRS (docs/xapi.md, "The certificate without an LMS").
  function certificateExtensions(certificate) {
    if (!certificate || !certificate.code) return null;
    return { [X.extensions.certificateCode]: certificate.code, [X.extensions.certificateDate]: certificate.date };
  }

  function onPageHide(event) {
    try {
      if (event.persisted) {                 // into the back/forward cache: the session goes on
        clock.hiddenAt = Date.now();
      } else if (session && endDetail && !session.ended && !delegated) {
        session.ended = true;
        const duration = isoDuration(Number.isFinite(endDetail.sessionMs) ? endDetail.sessionMs : elapsed());
        if (endDetail.exit === 'suspend') send('suspended', X.course, { duration }, null);
        send('terminated', X.course, { duration }, null);
      }
      flushKeepalive();
    } catch (error) {
      log('pagehide failed', error);
    }
  }

  // The listener only notes the event and its time; the work runs as a microtask, after the
  // player's own handling of the event (its SCORM calls) is over.
  document.addEventListener('coursepack', (event) => {
    const detail = (event && event.detail) || {};
    if (detail.type === 'end') { endDetail = detail; return; }
    const at = new Date();
    queueMicrotask(() => {
      try {
        if (detail.type === 'start') onStart(detail, at);
        else if (!session) return;
        else if (detail.type === 'view') onView(detail, at);
        else if (detail.type === 'scored') onScored(detail, at);
        else if (detail.type === 'evaluated') onEvaluated(detail, at);
        else if (detail.type === 'status') onStatus(detail, at);
      } catch (error) {
        log('event not reported', detail.type, error);
      }
    });
  });

  window.addEventListener('pageshow', (event) => {
    if (event.persisted && clock.hiddenAt !== null) {
      clock.paused += Date.now() - clock.hiddenAt;
      clock.hiddenAt = null;
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushKeepalive();
  });
  window.addEventListener('online', () => { failures = 0; schedule(0); });

  // For the player and the adapters. launchLearner(): {id, name} of the launch's actor when the
  // statements have somewhere to go and no adapter took over (a Tin Can launch, or the relay with an
  // actor launch parameter), else null; the name is the actor's as given (shown on the certificate,
  // sent only with learner_name). certificateExtensions(certificate), isoDuration(ms): see above.
  // For an adapter whose LMS is the LRS (cmi5.js). delegate(): from now on statements go only where
  // open() says, and nothing is sent until then. open({label, endpoint, auth, actor, registration,
  // context}) returns {send}: send({verb, object, result, activities, extensions}, at) posts one
  // statement (id, actor, timestamp and context made here) through the outbox.
  window.CoursepackXapi = Object.freeze({
    launchLearner() {
      const agent = !delegated && dest ? launchActor(launch.actor) : null;
      if (!agent || !acceptedBy(dest, agent)) return null;
      const name = Array.isArray(launch.actor.name) ? launch.actor.name[0] : launch.actor.name;
      return { id: String(learnerId(agent)), name: typeof name === 'string' ? name : '' };
    },
    certificateExtensions,
    isoDuration,
    delegate() {
      delegated = true;
      choose();
      reason = 'waiting for the LMS';
      return Object.freeze({
        open(given) {
          lms = Object.freeze(Object.assign({}, given));
          choose();
          closed = false;
          return Object.freeze({
            send: ({ verb, object, result, activities, extensions }, at) => post(verb, object, result, context(activities, extensions), at),
          });
        },
      });
    },
  });

  window.coursepackXapi = Object.freeze({
    state: () => ({
      active: session !== null,
      reason,
      mode: dest ? dest.mode : null,
      registration: session ? session.registration : null,
      queued: pending().length,
      sent: counts.sent,
      rejected: counts.rejected,
      requests: counts.requests,
      failures,
      lastStatus,
    }),
    flush: () => { failures = 0; schedule(0); },
  });
})();
