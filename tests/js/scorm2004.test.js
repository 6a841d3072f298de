// The SCORM 2004 adapter (templates/runtime/adapters/scorm2004.js) with the LMS session (session.js), under
// Node, against a small API_1484_11 object that keeps every call: what reaches the LMS, in which
// order, and what never does. The commit policy is session.js's (scorm12.test.js tests it).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./fixture.js');

const Session = load('session.js');
const Adapter = load('adapters/scorm2004.js');

test.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });

const FIELDS = {
  passed: { completion: 'completed', success: 'passed' },
  completed: { completion: 'completed', success: 'unknown' },
  incomplete: { completion: 'incomplete', success: 'unknown' },
  failed: { completion: 'incomplete', success: 'failed' },
};
const CONFIG = {
  course: { id: 'demo', language: 'en' },
  status: { pass: 'passed', fail: 'failed', fields: FIELDS },
  quiz: { evaluation: { comment: { id: 'eval_comment', maxLength: 20 } } },
};

// An LMS's `API_1484_11`: values in `cmi`, every call in `calls`, `fail` = {function or element: error code}.
function fakeAPI(cmi = {}, fail = {}) {
  const api = { calls: [], cmi: { 'cmi.interactions._count': '0', 'cmi.objectives._count': '0', ...cmi }, fail, error: '0' };
  const answer = (name, key, value) => {
    api.error = fail[key] || fail[name] || '0';
    return api.error === '0' ? value : 'false';
  };
  const call = (name) => (arg) => { api.calls.push([name, arg]); return answer(name, '', 'true'); };
  Object.assign(api, {
    Initialize: call('Initialize'),
    Terminate: call('Terminate'),
    Commit: call('Commit'),
    GetValue: (element) => {
      api.calls.push(['GetValue', element]);
      const value = answer('GetValue', element, api.cmi[element] ?? '');
      return api.error === '0' ? value : '';
    },
    SetValue: (element, value) => {
      api.calls.push(['SetValue', element, value]);
      const ok = answer('SetValue', element, 'true');
      if (ok === 'true') api.cmi[element] = value;
      return ok;
    },
    GetLastError: () => api.error,
    GetErrorString: () => 'error',
    GetDiagnostic: () => '',
  });
  return api;
}

const made = (api) => api.calls.filter(([fn]) => fn !== 'GetLastError');
const sets = (api) => made(api).filter(([fn]) => fn === 'SetValue').map(([, element, value]) => [element, value]);

function connect(api, config = CONFIG) {
  return Adapter.connect({ session: Session, window: api ? { API_1484_11: api } : {}, config });
}

test('connects by Initialize(""), once, to API_1484_11 only', () => {
  const api = fakeAPI();
  const adapter = connect(api);
  assert.equal(adapter.connected, true);
  assert.equal(adapter.suspendLimit, 64000);
  assert.deepEqual(made(api), [['Initialize', '']]);
  const scorm12 = { LMSInitialize: () => 'true' };
  const none = Adapter.connect({ session: Session, window: { API: scorm12 }, config: CONFIG });
  assert.equal(none.connected, false);
  assert.equal(none.setLocation('quiz'), false);
  assert.equal(none.terminate({ exit: '', sessionMs: 1 }), false);
  const refused = fakeAPI({}, { Initialize: '102' });
  assert.equal(connect(refused).connected, false);
});

test('the launch data, read in order; a new attempt reads no stored data', () => {
  const stored = { 'cmi.learner_id': 'learner_1', 'cmi.learner_name': 'Doe, Jane', 'cmi.entry': 'resume',
    'cmi.location': 'quiz', 'cmi.suspend_data': '2~k3f9~B~', 'cmi.completion_status': 'incomplete',
    'cmi.success_status': 'failed', 'cmi.credit': 'credit', 'cmi.mode': 'normal' };
  const api = fakeAPI(stored);
  assert.deepEqual(connect(api).launch(), { learner: { id: 'learner_1', name: 'Doe, Jane' }, entry: 'resume',
    location: 'quiz', suspendData: '2~k3f9~B~', status: 'failed', credit: 'credit', mode: 'normal' });
  assert.deepEqual(made(api).slice(1).map(([, element]) => element), Object.keys(stored));
  const fresh = fakeAPI({ ...stored, 'cmi.entry': 'ab-initio', 'cmi.mode': 'review' });
  const launch = connect(fresh).launch();
  assert.deepEqual([launch.location, launch.suspendData, launch.mode], ['', '', 'review']);
  assert.ok(!made(fresh).some(([, element]) => element === 'cmi.location' || element === 'cmi.suspend_data'));
});

test('the two stored fields read back as the status word', () => {
  const cases = [
    ['completed', 'passed', 'passed'], ['completed', 'unknown', 'completed'], ['completed', 'failed', 'completed'],
    ['incomplete', 'failed', 'failed'], ['incomplete', 'unknown', 'incomplete'], ['incomplete', 'passed', 'incomplete'],
    ['unknown', 'unknown', ''], ['not attempted', 'unknown', ''], ['unknown', 'failed', 'failed'],
  ];
  for (const [completion, success, word] of cases) assert.equal(Adapter.statusOf(completion, success), word);
});

test('a status word writes both fields; values are checked against the 2004 data types before they are sent', () => {
  const api = fakeAPI();
  const adapter = connect(api);
  assert.equal(adapter.setStatus('not attempted'), false);
  assert.equal(adapter.setSuspendData('x'.repeat(64001)), false);
  assert.equal(adapter.setLocation('x'.repeat(1001)), false);
  assert.equal(adapter.setProgress(1.5), false);
  assert.deepEqual(sets(api), []);
  assert.equal(adapter.setStatus('failed'), true);
  assert.equal(adapter.setExit('suspend'), true);
  assert.equal(adapter.setExit(''), true);
  assert.equal(adapter.setSuspendData('x'.repeat(64000)), true);
  assert.equal(adapter.setProgress(1 / 3), true);
  assert.equal(adapter.setProgress(1 / 3), true);            // unchanged: not sent again
  assert.equal(adapter.setProgress(1), true);
  adapter.setScore({ raw: 72.22, min: 0, max: 100, scaled: 72.22 / 100 });
  assert.deepEqual(sets(api).map(([element, value]) => `${element}=${value.slice(0, 10)}`), [
    'cmi.completion_status=incomplete', 'cmi.success_status=failed', 'cmi.exit=suspend', 'cmi.exit=normal',
    'cmi.suspend_data=xxxxxxxxxx', 'cmi.progress_measure=0.3333333', 'cmi.progress_measure=1',
    'cmi.score.min=0', 'cmi.score.max=100', 'cmi.score.raw=72.22', 'cmi.score.scaled=0.7222',
  ]);
});

test('the manifest\'s objective mirrors the status and score, found by its id or appended', () => {
  const config = { ...CONFIG, status: { ...CONFIG.status, objective: 'demo-quiz' } };
  const held = fakeAPI({ 'cmi.objectives._count': '2', 'cmi.objectives.0.id': 'other', 'cmi.objectives.1.id': 'demo-quiz' });
  const adapter = connect(held, config);
  adapter.setStatus('passed');
  adapter.setScore({ raw: 100, min: 0, max: 100, scaled: 1 });
  assert.deepEqual(sets(held), [
    ['cmi.completion_status', 'completed'], ['cmi.success_status', 'passed'],
    ['cmi.objectives.1.completion_status', 'completed'], ['cmi.objectives.1.success_status', 'passed'],
    ['cmi.score.min', '0'], ['cmi.score.max', '100'], ['cmi.score.raw', '100'], ['cmi.score.scaled', '1'],
    ['cmi.objectives.1.score.min', '0'], ['cmi.objectives.1.score.max', '100'], ['cmi.objectives.1.score.raw', '100'],
    ['cmi.objectives.1.score.scaled', '1'],
  ]);
  const empty = fakeAPI();
  connect(empty, config).setStatus('incomplete');
  assert.deepEqual(sets(empty).slice(2), [['cmi.objectives.0.id', 'demo-quiz'],
    ['cmi.objectives.0.completion_status', 'incomplete'], ['cmi.objectives.0.success_status', 'unknown']]);
  const without = fakeAPI();
  connect(without).setStatus('passed');
  assert.ok(!made(without).some(([, element]) => element.startsWith('cmi.objectives')));
});

test('interactions: appended at _count, id first and type before the responses, in the 2004 formats', () => {
  const api = fakeAPI({ 'cmi.interactions._count': '2' });
  const adapter = connect(api);
  const at = new Date(Date.UTC(2024, 0, 1, 9, 5, 7, 456));
  const record = { id: 'q1', type: 'choice', kind: 'multiple-response', text: 'Pick\ntwo.', response: 'a,c',
    patterns: ['a,c,e'], response2004: 'a[,]c', patterns2004: ['a[,]c[,]e'], credit: 0.5, weight: 1.5,
    latencyMs: 3723450, at };
  const comment = { id: 'eval_comment', type: 'fill-in', kind: 'comment', text: 'Your comment?',
    response2004: 'Far  too\nlong to keep whole', patterns2004: [], credit: null, weight: 0, latencyMs: 0, at };
  adapter.appendInteractions([record, comment]);
  assert.deepEqual(made(api).slice(1, 11), [
    ['GetValue', 'cmi.interactions._count'],
    ['SetValue', 'cmi.interactions.2.id', 'urn:coursepack:demo:q1'],
    ['SetValue', 'cmi.interactions.2.type', 'choice'],
    ['SetValue', 'cmi.interactions.2.description', '{lang=en}Pick two.'],
    ['SetValue', 'cmi.interactions.2.correct_responses.0.pattern', 'a[,]c[,]e'],
    ['SetValue', 'cmi.interactions.2.learner_response', 'a[,]c'],
    ['SetValue', 'cmi.interactions.2.result', 'incorrect'],
    ['SetValue', 'cmi.interactions.2.weighting', '1.5'],
    ['SetValue', 'cmi.interactions.2.latency', 'PT1H2M3.45S'],
    ['SetValue', 'cmi.interactions.2.timestamp', '2024-01-01T09:05:07.45Z'],
  ]);
  assert.deepEqual(sets(api).slice(9), [
    ['cmi.interactions.3.id', 'urn:coursepack:demo:eval_comment'], ['cmi.interactions.3.type', 'long-fill-in'],
    ['cmi.interactions.3.description', '{lang=en}Your comment?'],
    ['cmi.interactions.3.learner_response', 'Far too long to keep'], ['cmi.interactions.3.result', 'neutral'],
    ['cmi.interactions.3.weighting', '0'], ['cmi.interactions.3.latency', 'PT0S'],
    ['cmi.interactions.3.timestamp', '2024-01-01T09:05:07.45Z'],
  ]);
  const refused = fakeAPI({}, { 'cmi.interactions.0.id': '351' });
  connect(refused).appendInteractions([record, record]);
  assert.deepEqual(sets(refused), [['cmi.interactions.0.id', 'urn:coursepack:demo:q1']]);
});

test('terminate: exit in 2004 words, session_time, Terminate(""), and no call after it', () => {
  const api = fakeAPI();
  const adapter = connect(api);
  adapter.requestCommit();
  assert.equal(adapter.terminate({ exit: '', sessionMs: 3723450 }), true);
  test.mock.timers.tick(120000);
  assert.equal(adapter.setLocation('quiz'), false);
  assert.deepEqual(made(api).slice(1), [
    ['SetValue', 'cmi.exit', 'normal'],
    ['SetValue', 'cmi.session_time', 'PT1H2M3.45S'],
    ['Terminate', ''],
  ]);
  const review = fakeAPI();
  connect(review).terminate({ exit: null, sessionMs: 61000 });
  assert.deepEqual(made(review).slice(1), [['SetValue', 'cmi.session_time', 'PT1M1S'], ['Terminate', '']]);
});

test('SCORM 2004 durations, times and reals', () => {
  assert.equal(Adapter.duration(0), 'PT0S');
  assert.equal(Adapter.duration(-5), 'PT0S');
  assert.equal(Adapter.duration(3723456), 'PT1H2M3.46S');
  assert.equal(Adapter.duration(3600000), 'PT1H');
  assert.equal(Adapter.duration(90070), 'PT1M30.07S');
  assert.equal(Adapter.duration(360000000 * 3 + 10), 'PT300H0.01S');
  assert.equal(Adapter.timestamp(new Date(Date.UTC(2026, 0, 31, 9, 5, 0, 7))), '2026-01-31T09:05:00.00Z');
  assert.deepEqual([0, 1, 0.5, 1 / 3, 0.7222000000000001, 1e-9, 100].map(Adapter.real),
    ['0', '1', '0.5', '0.3333333', '0.7222', '0', '100']);
});
