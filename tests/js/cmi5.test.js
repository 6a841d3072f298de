// The cmi5 adapter (templates/runtime/adapters/cmi5.js) under Node: its launch-parameter checks, the
// context template merge, the status vocabulary, and a whole launch against a small fake LMS
// (fetch stubbed): one POST to the fetch URL, the documents it reads and writes, and the cmi5
// defined statements it hands the xAPI reporter, in order. The browser journeys against a real
// LRS are tests/e2e/test_cmi5_journeys.py.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./fixture.js');

const Cmi5 = load('adapters/cmi5.js');
const Xapi = load('xapi.js');   // the reporter's pure helpers (isoDuration)

const ACTOR = { objectType: 'Agent', account: { homePage: 'https://lms.example.org', name: 'learner-1' } };
const REGISTRATION = '760e3480-ba55-4991-94b0-01820dbd23a2';
const ACTIVITY = 'https://lms.example.org/au/1';
const SESSION = 'session-1';
const CMI5 = 'https://w3id.org/xapi/cmi5/context/';
const launchQuery = (overrides = {}) => `?${new URLSearchParams({
  endpoint: 'https://lms.example.org/xapi', fetch: 'https://lms.example.org/fetch/k1', actor: JSON.stringify(ACTOR),
  registration: REGISTRATION, activityId: ACTIVITY, ...overrides,
})}`;

test('launch parameters: absent outside an LMS, each missing or malformed one named, else normalised', () => {
  assert.deepEqual(Cmi5.readLaunch(''), { absent: true });
  assert.deepEqual(Cmi5.readLaunch('?lang=en'), { absent: true });
  const good = Cmi5.readLaunch(launchQuery({ registration: REGISTRATION.toUpperCase() }));
  assert.equal(good.endpoint, 'https://lms.example.org/xapi/');
  assert.equal(good.registration, REGISTRATION);
  assert.deepEqual(good.actor, ACTOR);
  const broken = (overrides) => Cmi5.readLaunch(launchQuery(overrides)).problems;
  assert.deepEqual(broken({ registration: 'nope' }), ['registration']);
  assert.deepEqual(broken({ endpoint: '/xapi/' }), ['endpoint']);
  assert.deepEqual(broken({ fetch: 'ftp://x' }), ['fetch']);
  assert.deepEqual(broken({ activityId: 'not an iri' }), ['activityId']);
  assert.deepEqual(broken({ actor: '{"mbox": "mailto:a@example.org"}' }), ['actor']);   // 9.2: an account
  assert.deepEqual(broken({ actor: '{not json' }), ['actor']);
  const missing = new URLSearchParams(launchQuery());
  missing.delete('fetch');
  missing.delete('actor');
  assert.deepEqual(Cmi5.readLaunch(`?${missing}`).problems, ['fetch', 'actor']);
});

test('the context template goes over a statement\'s context: its values win, its lists come first', () => {
  const template = {
    contextActivities: { grouping: [{ id: 'https://pub.example.org/au' }], category: [{ id: 'https://lms.example.org/c' }] },
    extensions: { [`${CMI5}extensions/sessionid`]: SESSION, 'https://x.example.org/shared': 'lms' },
    instructor: { objectType: 'Agent', mbox: 'mailto:teacher@example.org' },
  };
  const merged = Cmi5.withTemplate(template, {
    registration: REGISTRATION,
    contextActivities: { grouping: [{ id: 'https://course.example.org' }, { id: 'https://pub.example.org/au' }],
      parent: [{ id: 'https://course.example.org/quiz' }] },
    extensions: { 'https://x.example.org/shared': 'mine', 'https://x.example.org/version': '1.0.0' },
  });
  assert.deepEqual(merged.contextActivities.grouping.map((a) => a.id), ['https://pub.example.org/au', 'https://course.example.org']);
  assert.deepEqual(merged.contextActivities.parent.map((a) => a.id), ['https://course.example.org/quiz']);
  assert.deepEqual(merged.contextActivities.category.map((a) => a.id), ['https://lms.example.org/c']);
  assert.equal(merged.extensions['https://x.example.org/shared'], 'lms');
  assert.equal(merged.extensions['https://x.example.org/version'], '1.0.0');
  assert.equal(merged.instructor.mbox, 'mailto:teacher@example.org');
  assert.equal(merged.registration, REGISTRATION);
  merged.contextActivities.grouping[0].id = 'changed';
  assert.equal(template.contextActivities.grouping[0].id, 'https://pub.example.org/au');   // a copy
});

test('scores: scaled always, an integer raw with min and max only for a whole number', () => {
  assert.deepEqual(Cmi5.scoreOf(100), { scaled: 1, raw: 100, min: 0, max: 100 });
  assert.deepEqual(Cmi5.scoreOf(75), { scaled: 0.75, raw: 75, min: 0, max: 100 });
  assert.deepEqual(Cmi5.scoreOf(87.5), { scaled: 0.875 });
  assert.deepEqual(Cmi5.scoreOf(66.67), { scaled: 0.6667 });
});

test('status words hold completion and success; neither is ever downgraded', () => {
  assert.equal(Cmi5.statusFor({ completion: 'completed', success: 'passed' }), 'completed-passed');
  assert.equal(Cmi5.statusFor({ completion: 'incomplete', success: 'unknown' }), 'incomplete');
  assert.equal(Cmi5.mayReplace('', 'incomplete'), true);
  assert.equal(Cmi5.mayReplace('incomplete-failed', 'incomplete-passed'), true);
  assert.equal(Cmi5.mayReplace('incomplete-passed', 'completed-passed'), true);
  assert.equal(Cmi5.mayReplace('incomplete-passed', 'incomplete-failed'), false);
  assert.equal(Cmi5.mayReplace('completed', 'incomplete-passed'), false);
  assert.equal(Cmi5.isDone('completed-failed') && Cmi5.isFailed('completed-failed'), true);
  assert.equal(Cmi5.isDone('incomplete-passed'), false);
  assert.equal(Cmi5.isUnstarted(''), true);
});

// ---------------------------------------------------------------------- a launch against a fake LMS
// The LMS's answers by "METHOD path" (stateId or profileId for documents); every request kept.
function fakeLms({ token = { 'auth-token': 'dG9rZW4=' }, launchData = {}, resume = null, preferences = null } = {}) {
  const lms = { requests: [], documents: { 'LMS.LaunchData': {
    contextTemplate: { contextActivities: { grouping: [{ id: 'https://pub.example.org/au' }] },
      extensions: { [`${CMI5}extensions/sessionid`]: SESSION } },
    launchMode: 'Normal', moveOn: 'CompletedAndPassed', masteryScore: 0.75, ...launchData,
  }, cmi5LearnerPreferences: preferences, 'coursepack.resume': resume } };
  lms.fetch = async (url, init) => {
    const parsed = new URL(url);
    const id = parsed.searchParams.get('stateId') || parsed.searchParams.get('profileId') || parsed.pathname;
    lms.requests.push({ method: init.method, id, headers: init.headers, body: init.body, keepalive: init.keepalive });
    const reply = (status, value) => ({ status, text: async () => (value === undefined ? '' : JSON.stringify(value)) });
    if (parsed.pathname === '/fetch/k1') return reply(200, token);
    if (init.method === 'PUT') {
      lms.documents[id] = JSON.parse(init.body);
      return reply(204);
    }
    const found = lms.documents[id];
    return found ? reply(200, found) : reply(404, { error: 'none' });
  };
  return lms;
}

async function launched(lms, { query = launchQuery(), config = { passMark: 75 } } = {}) {
  global.fetch = lms.fetch;
  const sent = [];
  let opened = null;
  const xapi = {
    delegate: () => ({ open: (launch) => {
      opened = launch;
      return { send: (parts, at) => sent.push({ ...parts, at }) };
    } }),
    certificateExtensions: (certificate) => (certificate ? { code: certificate.code, date: certificate.date } : null),
    isoDuration: Xapi.isoDuration,
  };
  const document = new EventTarget();
  const win = { location: { search: query }, document };
  const notices = [];
  const adapter = Cmi5.connect({ window: win, config, xapi, onCommitFailure: () => notices.push('failed') });
  await adapter.ready;
  const emit = async (detail) => {
    document.dispatchEvent(new CustomEvent('coursepack', { detail }));
    await new Promise((resolve) => { setImmediate(resolve); });
  };
  return { adapter, sent, opened: () => opened, emit, win, notices };
}

const verbs = (sent) => sent.map((s) => s.verb.id.split('/').pop());

test('one POST to fetch, then LaunchData, preferences and the resume document with the token', async () => {
  const lms = fakeLms({ preferences: { audioPreference: 'off', languagePreference: 'es-MX' } });
  const { adapter, sent, opened, win } = await launched(lms);
  assert.equal(adapter.connected, true);
  assert.deepEqual(lms.requests.map((r) => `${r.method} ${r.id}`),
    ['POST /fetch/k1', 'GET LMS.LaunchData', 'GET cmi5LearnerPreferences', 'GET coursepack.resume']);
  assert.equal(lms.requests[0].headers.Authorization, undefined);
  for (const r of lms.requests.slice(1)) {
    assert.equal(r.headers.Authorization, 'Basic dG9rZW4=');
    assert.equal(r.headers['X-Experience-API-Version'], '1.0.3');
  }
  assert.equal(opened().endpoint, 'https://lms.example.org/xapi/');
  assert.equal(opened().auth, 'Basic dG9rZW4=');
  assert.deepEqual(verbs(sent), ['initialized']);
  assert.deepEqual(sent[0].object, { objectType: 'Activity', id: ACTIVITY });
  assert.deepEqual(sent[0].activities.category.map((a) => a.id), [`${CMI5}categories/cmi5`]);
  const launch = adapter.launch();
  assert.deepEqual([launch.entry, launch.mode, launch.passMark, launch.audio], ['ab-initio', 'normal', 75, 'off']);
  assert.equal(launch.learner.id, 'learner-1');
  assert.equal(win.coursepackCmi5.state().sessionId, SESSION);
});

test('a refused fetch, or LaunchData the AU cannot use, leaves the adapter unconnected with a notice', async () => {
  for (const options of [{ token: { 'error-code': '1', 'error-text': 'used' } }, { launchData: { launchMode: 'Sometimes' } }]) {
    const lms = fakeLms(options);
    const { adapter, sent, win } = await launched(lms);
    assert.equal(adapter.connected, false);
    assert.equal(adapter.notice, 'lms_not_connected');
    assert.deepEqual(sent, []);
    assert.equal(lms.requests.filter((r) => r.id === '/fetch/k1').length, 1);
    assert.match(win.coursepackCmi5.state().problem, options.token ? /error-code 1/ : /LaunchData/);
  }
  const outside = await launched(fakeLms(), { query: '' });
  assert.equal(outside.adapter.notice, null);   // no launch at all: the player's usual "no LMS" notice
});

test('a failure waits for the session\'s end; a pass in the same session replaces it; terminated is last', async () => {
  const lms = fakeLms();
  const { adapter, sent, emit } = await launched(lms);
  await emit({ type: 'scored', score: 50, passed: false });
  assert.deepEqual(verbs(sent), ['initialized']);
  await emit({ type: 'scored', score: 75, passed: true });
  await emit({ type: 'status', status: 'completed-passed', certificate: null });
  assert.deepEqual(verbs(sent), ['initialized', 'passed', 'completed']);
  const passed = sent[1];
  assert.deepEqual(passed.result.score, { scaled: 0.75, raw: 75, min: 0, max: 100 });
  assert.equal(passed.extensions[`${CMI5}extensions/masteryscore`], 0.75);
  assert.deepEqual(passed.activities.category.map((a) => a.id), [`${CMI5}categories/cmi5`, `${CMI5}categories/moveon`]);
  await emit({ type: 'scored', score: 25, passed: false });   // after a pass: never failed
  adapter.setStatus('completed-passed');
  adapter.setExit('');
  assert.equal(adapter.terminate({ exit: '', sessionMs: 4000 }), true);
  assert.equal(adapter.terminate({ exit: '', sessionMs: 5000 }), false);
  assert.deepEqual(verbs(sent), ['initialized', 'passed', 'completed', 'terminated']);
  assert.deepEqual(sent[3].result, { duration: 'PT4S' });
  await new Promise((resolve) => { setImmediate(resolve); });
  const saved = lms.requests.filter((r) => r.method === 'PUT');
  assert.equal(saved.length, 1);
  assert.equal(saved[0].keepalive, true);
  assert.deepEqual(lms.documents['coursepack.resume'], {
    status: 'completed-passed', location: '', suspendData: '', exit: '', score: null, time: 4000 });
});

test('a held failure goes out before terminated; the next session knows what the registration holds', async () => {
  const first = fakeLms();
  const one = await launched(first);
  await one.emit({ type: 'scored', score: 50, passed: false });
  one.adapter.terminate({ exit: 'suspend', sessionMs: 1000 });
  assert.deepEqual(verbs(one.sent), ['initialized', 'failed', 'terminated']);
  assert.equal(one.sent[1].result.success, false);

  const resume = { status: 'completed-passed', location: 'quiz', suspendData: '2~abc', exit: 'suspend', score: 90, time: 7 };
  const two = await launched(fakeLms({ resume, launchData: { masteryScore: 0.9 } }));
  const launch = two.adapter.launch();
  assert.deepEqual([launch.entry, launch.location, launch.suspendData, launch.passMark], ['resume', 'quiz', '2~abc', 90]);
  assert.equal(two.adapter.storedScore(), 90);
  await two.emit({ type: 'scored', score: 95, passed: true });      // passed already in this registration
  await two.emit({ type: 'status', status: 'completed-passed' });   // and completed
  assert.deepEqual(verbs(two.sent), ['initialized']);
});

test('Browse and Review send initialized and terminated only, and write nothing', async () => {
  for (const mode of ['Browse', 'Review']) {
    const lms = fakeLms({ launchData: { launchMode: mode } });
    const { adapter, sent, emit } = await launched(lms);
    assert.equal(adapter.launch().mode, mode.toLowerCase());
    await emit({ type: 'scored', score: 100, passed: true });
    await emit({ type: 'status', status: 'completed-passed' });
    assert.equal(adapter.setStatus('completed'), false);
    adapter.terminate({ exit: null, sessionMs: 10 });
    assert.deepEqual(verbs(sent), ['initialized', 'terminated']);
    await new Promise((resolve) => { setImmediate(resolve); });
    assert.equal(lms.requests.filter((r) => r.method === 'PUT').length, 0);
  }
});

test('resume data longer than the limit is refused, and failing writes reach the player after 3 tries', async (t) => {
  const lms = fakeLms();
  const { adapter, notices } = await launched(lms);
  assert.equal(adapter.setSuspendData('x'.repeat(64001)), false);
  assert.equal(adapter.setSuspendData('x'.repeat(64000)), true);
  const answer = lms.fetch;
  lms.fetch = async (url, init) => (init.method === 'PUT' ? { status: 503, text: async () => '' } : answer(url, init));
  global.fetch = lms.fetch;
  t.mock.timers.enable({ apis: ['setTimeout'] });
  adapter.commit();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => { setImmediate(resolve); });
    t.mock.timers.tick(60000);
  }
  assert.deepEqual(notices, ['failed']);
  assert.equal(adapter.dirty, true);
  adapter.terminate({ exit: 'suspend', sessionMs: 1 });   // the session's end stops the retries
});
