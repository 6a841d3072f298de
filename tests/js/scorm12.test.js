// The SCORM 1.2 adapter (templates/runtime/scorm12.js) with the LMS session (session.js), under
// Node, against a small SCORM 1.2 API object that keeps every call: what reaches the LMS, in
// which order, and what never does.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load } = require('./fixture.js');

const Session = load('session.js');
const Adapter = load('adapters/scorm12.js');

// Timers are the test's: commits are coalesced, retried and repeated by time.
test.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });

// An LMS's `API` object: values in `cmi`, every call in `calls`, `fail` = {function or element: error code}.
function fakeAPI(cmi = {}, fail = {}) {
  const api = { calls: [], cmi: { 'cmi.interactions._count': '0', ...cmi }, fail, error: '0' };
  const answer = (name, key, value) => {
    api.error = fail[key] || fail[name] || '0';
    return api.error === '0' ? value : 'false';
  };
  Object.assign(api, {
    LMSInitialize: (arg) => { api.calls.push(['LMSInitialize', arg]); return answer('LMSInitialize', '', 'true'); },
    LMSFinish: (arg) => { api.calls.push(['LMSFinish', arg]); return answer('LMSFinish', '', 'true'); },
    LMSCommit: (arg) => { api.calls.push(['LMSCommit', arg]); return answer('LMSCommit', '', 'true'); },
    LMSGetValue: (element) => {
      api.calls.push(['LMSGetValue', element]);
      const value = answer('LMSGetValue', element, api.cmi[element] ?? '');
      return api.error === '0' ? value : '';
    },
    LMSSetValue: (element, value) => {
      api.calls.push(['LMSSetValue', element, value]);
      const ok = answer('LMSSetValue', element, 'true');
      if (ok === 'true') api.cmi[element] = value;
      return ok;
    },
    LMSGetLastError: () => api.error,
    LMSGetErrorString: () => 'error',
    LMSGetDiagnostic: () => '',
  });
  return api;
}

// What the test looks at: the calls other than LMSGetLastError (checked after each call).
const made = (api) => api.calls.filter(([fn]) => fn !== 'LMSGetLastError');

function connect(api, extra = {}) {
  const notices = [];
  const adapter = Adapter.connect({
    session: Session, window: api ? { API: api } : {}, config: { status: { pass: 'passed', fail: 'failed' } },
    onCommitFailure: () => notices.push('failed'), onCommitRecovered: () => notices.push('recovered'), ...extra,
  });
  return { adapter, notices };
}

test('connects by LMSInitialize(""), once; without an API nothing is called and nothing throws', () => {
  const api = fakeAPI();
  const { adapter } = connect(api);
  assert.equal(adapter.connected, true);
  assert.deepEqual(made(api), [['LMSInitialize', '']]);
  const none = connect(null).adapter;
  assert.equal(none.connected, false);
  assert.equal(none.setLocation('quiz'), false);
  assert.equal(none.storedScore(), null);
  assert.equal(none.commit(), false);
  assert.equal(none.terminate({ exit: '', sessionMs: 1 }), false);
  const refused = fakeAPI({}, { LMSInitialize: '101' });
  assert.equal(connect(refused).adapter.connected, false);
  assert.deepEqual(made(refused), [['LMSInitialize', '']]);
});

test('finds the API up the parent chain and through the opener', () => {
  const api = fakeAPI();
  const top = { API: api };
  const frame = { parent: { parent: top } };
  top.parent = top;
  assert.equal(Session.findAPI(frame, 'API', 'LMSInitialize'), api);
  const popup = { parent: null, opener: { parent: top } };
  popup.top = popup;
  assert.equal(Session.findAPI(popup, 'API', 'LMSInitialize'), api);
  assert.equal(Session.findAPI({ parent: null, top: {} }, 'API', 'LMSInitialize'), null);
  const crossOrigin = { get parent() { throw new Error('blocked'); } };
  assert.equal(Session.findAPI(crossOrigin, 'API', 'LMSInitialize'), null);
});

test('the launch data, read in order; a missing lesson_mode means normal', () => {
  const api = fakeAPI({ 'cmi.core.student_id': 'learner_1', 'cmi.core.student_name': 'Doe, Jane',
    'cmi.core.entry': 'resume', 'cmi.core.lesson_location': 'quiz', 'cmi.suspend_data': '2~k3f9~B~',
    'cmi.core.lesson_status': 'incomplete', 'cmi.core.credit': 'credit' }, { 'cmi.core.lesson_mode': '401' });
  const { adapter } = connect(api);
  assert.deepEqual(adapter.launch(), { learner: { id: 'learner_1', name: 'Doe, Jane' }, entry: 'resume', location: 'quiz',
    suspendData: '2~k3f9~B~', status: 'incomplete', credit: 'credit', mode: 'normal' });
  assert.deepEqual(made(api).slice(1).map(([, element]) => element), ['cmi.core.student_id', 'cmi.core.student_name',
    'cmi.core.entry', 'cmi.core.lesson_location', 'cmi.suspend_data', 'cmi.core.lesson_status', 'cmi.core.credit',
    'cmi.core.lesson_mode']);
  assert.equal(connect(fakeAPI({ 'cmi.core.lesson_mode': 'review' })).adapter.launch().mode, 'review');
});

test('values are checked against the SCORM 1.2 data types before they are sent', () => {
  const api = fakeAPI();
  const { adapter } = connect(api);
  assert.equal(adapter.setStatus('not attempted'), false);
  assert.equal(adapter.setExit('normal'), false);
  assert.equal(adapter.setLocation('x'.repeat(256)), false);
  assert.equal(adapter.setSuspendData('x'.repeat(4097)), false);
  assert.equal(adapter.dirty, false);
  assert.deepEqual(made(api), [['LMSInitialize', '']]);
  assert.equal(adapter.setStatus('passed'), true);
  assert.equal(adapter.setExit(''), true);
  assert.equal(adapter.setSuspendData('x'.repeat(4096)), true);
  assert.equal(adapter.setProgress(0.5), false);   // no such element in SCORM 1.2
  adapter.setScore({ raw: 72.22, min: 0, max: 100, scaled: 0.7222 });
  adapter.setScore({ raw: 101, min: 0, max: 100, scaled: 1.01 });
  assert.deepEqual(made(api).slice(1).map(([, element, value]) => `${element}=${value.slice(0, 8)}`), [
    'cmi.core.lesson_status=passed', 'cmi.core.exit=', 'cmi.suspend_data=xxxxxxxx',
    'cmi.core.score.min=0', 'cmi.core.score.max=100', 'cmi.core.score.raw=72.22',
    'cmi.core.score.min=0', 'cmi.core.score.max=100',
  ]);
  assert.equal(adapter.dirty, true);
});

test('an LMS error after a call counts as a failure, a throwing API too', () => {
  const api = fakeAPI({}, { 'cmi.core.lesson_location': '405' });
  const { adapter } = connect(api);
  assert.equal(adapter.setLocation('quiz'), false);
  assert.equal(adapter.dirty, false);
  api.LMSGetValue = () => { throw new Error('broken'); };
  assert.equal(adapter.storedScore(), null);
});

test('the status vocabulary: the course\'s rule, never a downgrade', () => {
  const strict = connect(null).adapter;
  const lenient = connect(null, { config: { status: { pass: 'completed', fail: 'incomplete' } } }).adapter;
  const cases = [
    [{ completion: 'completed', success: 'passed' }, 'passed', 'completed'],
    [{ completion: 'completed', success: 'unknown' }, 'completed', 'completed'],
    [{ completion: 'completed', success: 'failed' }, 'completed', 'completed'],
    [{ completion: 'incomplete', success: 'failed' }, 'failed', 'incomplete'],
    [{ completion: 'incomplete', success: 'passed' }, 'incomplete', 'incomplete'],
    [{ completion: 'incomplete', success: 'unknown' }, 'incomplete', 'incomplete'],
  ];
  for (const [outcome, a, b] of cases) {
    assert.equal(strict.statusFor(outcome), a, JSON.stringify(outcome));
    assert.equal(lenient.statusFor(outcome), b, JSON.stringify(outcome));
  }
  assert.equal(strict.mayReplace('incomplete', 'failed'), true);
  assert.equal(strict.mayReplace('failed', 'passed'), true);
  assert.equal(strict.mayReplace('completed', 'passed'), true);
  assert.equal(strict.mayReplace('completed', 'completed'), false);
  assert.equal(strict.mayReplace('completed', 'failed'), false);
  assert.equal(strict.mayReplace('passed', 'passed'), false);
  assert.equal(strict.mayReplace('incomplete', null), false);
  assert.deepEqual(['', 'not attempted', 'browsed'].map(strict.isUnstarted), [true, true, false]);
  assert.deepEqual(['passed', 'completed', 'failed'].map(strict.isDone), [true, true, false]);
  assert.equal(strict.isFailed('failed'), true);
});

test('interactions are appended at _count, id first, and stop at the first refused id', () => {
  const api = fakeAPI({ 'cmi.interactions._count': '2' });
  const { adapter } = connect(api);
  const at = new Date(2024, 0, 1, 9, 5, 7);
  const record = { id: 'q1', type: 'choice', response: 'a,c', patterns: ['a,c,e'], result: 'wrong', weight: 1,
    latencyMs: 3723450, at };
  adapter.appendInteractions([record, { ...record, id: 'bad id', patterns: [] }, { ...record, id: 'q3' }]);
  assert.deepEqual(made(api).slice(1), [
    ['LMSGetValue', 'cmi.interactions._count'],
    ['LMSSetValue', 'cmi.interactions.2.id', 'q1'],
    ['LMSSetValue', 'cmi.interactions.2.type', 'choice'],
    ['LMSSetValue', 'cmi.interactions.2.student_response', 'a,c'],
    ['LMSSetValue', 'cmi.interactions.2.correct_responses.0.pattern', 'a,c,e'],
    ['LMSSetValue', 'cmi.interactions.2.result', 'wrong'],
    ['LMSSetValue', 'cmi.interactions.2.weighting', '1'],
    ['LMSSetValue', 'cmi.interactions.2.latency', '0001:02:03.45'],
    ['LMSSetValue', 'cmi.interactions.2.time', '09:05:07'],
  ]);
  const without = fakeAPI({}, { 'cmi.interactions._count': '401' });
  connect(without).adapter.appendInteractions([record]);
  assert.deepEqual(made(without).slice(1), [['LMSGetValue', 'cmi.interactions._count']]);
});

test('commits: coalesced, retried with backoff, a notice after three failures, then recovery', () => {
  const api = fakeAPI({}, { LMSCommit: '101' });
  const { adapter, notices } = connect(api);
  const commits = () => made(api).filter(([fn]) => fn === 'LMSCommit').length;
  adapter.setLocation('lesson:a');
  adapter.requestCommit();
  adapter.requestCommit();
  test.mock.timers.tick(999);
  assert.equal(commits(), 0);
  test.mock.timers.tick(1);
  assert.equal(commits(), 1);                   // one commit for both requests
  test.mock.timers.tick(1000);
  assert.equal(commits(), 2);                   // retried after 1 s ...
  test.mock.timers.tick(2000);
  assert.equal(commits(), 3);                   // ... then 2 s
  assert.deepEqual(notices, ['failed']);
  test.mock.timers.tick(10000);
  assert.equal(commits(), 3);
  delete api.fail.LMSCommit;
  test.mock.timers.tick(50000);                 // the 60 s autocommit while dirty
  assert.equal(commits(), 4);
  assert.deepEqual(notices, ['failed', 'recovered']);
  assert.equal(adapter.dirty, false);
  test.mock.timers.tick(120000);
  assert.equal(commits(), 4);                   // nothing to commit
});

test('terminate: exit, session_time, LMSFinish(""), and no call after it', () => {
  const api = fakeAPI();
  const { adapter } = connect(api);
  adapter.requestCommit();
  assert.equal(adapter.terminate({ exit: 'suspend', sessionMs: 3723450 }), true);
  test.mock.timers.tick(120000);
  assert.equal(adapter.setLocation('quiz'), false);
  assert.equal(adapter.connected, false);
  assert.deepEqual(made(api).slice(1), [
    ['LMSSetValue', 'cmi.core.exit', 'suspend'],
    ['LMSSetValue', 'cmi.core.session_time', '0001:02:03.45'],
    ['LMSFinish', ''],
  ]);
  const review = fakeAPI();
  connect(review).adapter.terminate({ exit: null, sessionMs: 0 });
  assert.deepEqual(made(review).slice(1).map(([fn, element]) => element || fn), ['cmi.core.session_time', 'LMSFinish']);
});

test('SCORM 1.2 time formats', () => {
  assert.equal(Adapter.timespan(0), '0000:00:00.00');
  assert.equal(Adapter.timespan(3723456), '0001:02:03.46');
  assert.equal(Adapter.timespan(1e12), '9999:59:59.99');
  assert.equal(Adapter.timespan(-5), '0000:00:00.00');
  assert.equal(Adapter.timeOfDay(new Date(2024, 0, 1, 23, 0, 59)), '23:00:59');
});
