// The suspend_data codec (templates/runtime/suspend.js) under Node: format 2 written and read,
// format 1 still read, anything else refused (docs/architecture.md, section 5).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { load, text, courseConfig } = require('./fixture.js');

const Quiz = load('quiz.js');
const Suspend = load('suspend.js');

function codecFor(config) {
  const engine = Quiz.create(config, text);
  return { engine, codec: Suspend.create(config, engine) };
}

const config = courseConfig();
const { engine, codec } = codecFor(config);
const visited = [true, false, true, false, false, false, true];

function progress(overrides = {}) {
  const plan = engine.layout('00000');
  return {
    visited,
    quiz: { used: 1, phase: 'p', seed: '00000', plan, answers: ['t', 'ac', 'kind words', '3', 'dacb', '9', 'bcb'],
      checked: [true, false, false, false, false, false, false], score: null, ...overrides },
    evaluation: { submitted: false, answers: ['4', null] },
  };
}

test('format 2: version, fingerprint, visited bitmap, then the quiz fields', () => {
  const data = codec.encode(progress());
  assert.equal(data, '2~k3f9~FB~1.p..00000.BA.-4-.tFA0akind words3dacb19bcb');
  const back = codec.decode(data);
  assert.deepEqual(back, { visited, quiz: progress().quiz, evaluation: { submitted: false, answers: ['4', null] } });
});

test('a scored attempt with a sent evaluation', () => {
  const state = progress({ used: 2, phase: 's', score: 72 });
  state.evaluation = { submitted: true, answers: ['4', '5'] };
  const data = codec.encode(state);
  assert.equal(data, '2~k3f9~FB~2.s.72.00000.BA.s45.tFA0akind words3dacb19bcb');
  assert.deepEqual(codec.decode(data).evaluation, { submitted: true, answers: ['4', '5'] });
  assert.equal(codec.decode(data).quiz.score, 72);
});

test('text answers may hold the separators: fields are found by position', () => {
  const state = progress();
  state.quiz.answers[2] = 'a.b~c';
  assert.equal(codec.decode(codec.encode(state)).quiz.answers[2], 'a.b~c');
});

test('the attempts count is capped by the quiz, or at 1295 ("zz") when unlimited', () => {
  assert.match(codec.encode(progress({ used: 7 })), /~3\.p\./);
  const unlimited = courseConfig();
  unlimited.quiz.attempts = 0;
  const other = codecFor(unlimited);
  assert.match(other.codec.encode(progress({ used: 5000 })), /~zz\.p\./);
});

test('optional fields are present only when the course has them', () => {
  const plain = courseConfig();
  Object.assign(plain.quiz, { randomized: false, feedback: 'after-quiz', evaluation: null });
  const { codec: plainCodec } = codecFor(plain);
  const data = plainCodec.encode(progress());
  assert.equal(data, '2~k3f9~FB~1.p..tFA0akind words3dacb19bcb');
  const back = plainCodec.decode(data);
  assert.equal(back.quiz.seed, '00000');
  assert.deepEqual(back.quiz.checked, [false, false, false, false, false, false, false]);
  assert.equal(back.evaluation, null);
});

test('a course without a quiz keeps only the visited lessons', () => {
  const { codec: lessonsOnly } = codecFor(courseConfig({ quiz: null }));
  assert.equal(lessonsOnly.encode({ visited }), '2~k3f9~FB~');
  assert.deepEqual(lessonsOnly.decode('2~k3f9~FB~'), { visited, quiz: null, evaluation: null });
  assert.equal(lessonsOnly.decode('2~k3f9~FB~1.p.'), null);
});

test('another course\'s data, or data that does not fit, is refused whole', () => {
  for (const bad of [
    '',
    'garbage',
    '2~zzzz~FB~1.p..00000.BA.-4-.tFA0akind words3dacb19bcb',   // another fingerprint
    '3~k3f9~FB~1.p..00000.BA.-4-.tFA0akind words3dacb19bcb',   // another version
    '2~k3f9~F~1.p..00000.BA.-4-.tFA0akind words3dacb19bcb',    // visited of another length
    '2~k3f9~FB~1.x..00000.BA.-4-.tFA0akind words3dacb19bcb',   // no such state
    '2~k3f9~FB~1.p.1000.00000.BA.-4-.tFA0akind words3dacb19bcb', // a score of 4 digits
    '2~k3f9~FB~1.p..0000.BA.-4-.tFA0akind words3dacb19bcb',    // a short seed
    '2~k3f9~FB~1.p..00000.B.-4-.tFA0akind words3dacb19bcb',    // checked of another length
    '2~k3f9~FB~1.p..00000.BA.-47.tFA0akind words3dacb19bcb',   // no such point
    '2~k3f9~FB~1.p..00000.BA.x4-.tFA0akind words3dacb19bcb',   // neither sent nor not
    '2~k3f9~FB~1.p..00000.BA.-4-.tFA0akind words3dacb19bc',    // answers cut short
  ]) assert.equal(codec.decode(bad), null, bad);
});

test('format 1 is read when its fingerprint is the course\'s fingerprintV1', () => {
  const back = codec.decode('1~v1fp~FB~2.s.tf-tftf.80');
  assert.deepEqual(back.visited, visited);
  assert.deepEqual(back.quiz, { used: 2, phase: 's', seed: '00000', plan: engine.layout('00000'),
    answers: ['t', 'f', null, 't', 'f', 't', 'f'], checked: [false, false, false, false, false, false, false], score: 80 });
  assert.equal(back.evaluation, null);
  assert.equal(codec.decode('1~v1fp~FB~2.s.tf-tftf.80').quiz.used, 2);
  assert.equal(codec.decode('1~other~FB~2.s.tf-tftf.80'), null);
  assert.equal(codec.decode('1~v1fp~FB~2.s.tf-.80'), null);               // answers of another quiz
  assert.equal(codec.decode('1~v1fp~FB~zzzz.s.tf-tftf.80').quiz.used, 1295);
});
