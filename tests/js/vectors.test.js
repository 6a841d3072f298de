// The shared test vectors (tests/vectors/*.json, shapes in tests/vectors/README.md) against the
// browser runtime's pure modules; pytest reads the same files against the Python twin.
// COURSEPACK_VECTORS names another folder of vectors (for trying a new set before it is committed).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { load, text } = require('./fixture.js');

const Quiz = load('quiz.js');
const Suspend = load('suspend.js');
const Certificate = load('certificate.js');
const Scorm2004 = load('adapters/scorm2004.js');
const Xapi = load('xapi.js');

const FOLDER = process.env.COURSEPACK_VECTORS || path.join(__dirname, '..', 'vectors');
const read = (name) => JSON.parse(fs.readFileSync(path.join(FOLDER, `${name}.json`), 'utf-8'));
const present = fs.existsSync(path.join(FOLDER, 'README.md'));

// The engine of a runtime configuration, or of a bare course for questions given on their own.
const engineFor = (config) => Quiz.create(config, text);
const bareEngine = (courseId = 'vectors', fingerprint = 'none') => engineFor({ course: { id: courseId }, fingerprint });

// The part of a decoded state the vectors pin (the plan follows from the seed); a course without
// a quiz or an evaluation gets the player's fresh ones (player.js freshQuiz, freshEvaluation).
function comparable(config, decoded) {
  if (!decoded) return decoded;
  const quiz = decoded.quiz ? { ...decoded.quiz } : { used: 0, phase: 'n', seed: '', answers: [], checked: [], score: null };
  delete quiz.plan;
  const items = config.quiz && config.quiz.evaluation ? config.quiz.evaluation.items : [];
  return { visited: decoded.visited, quiz, evaluation: decoded.evaluation || { submitted: false, answers: items.map(() => null) } };
}

const vectors = (name, body) => test(`vectors: ${name}`, { skip: !present && `no ${FOLDER}` }, body);

vectors('xorshift32', () => {
  for (const { seed, states } of read('xorshift32').cases) {
    let x = seed;
    assert.deepEqual(states.map(() => (x = Quiz.xorshift(x))), states, `from ${seed}`);
  }
});

vectors('fnv1a', () => {
  for (const { text: value, hash } of read('fnv1a').cases) assert.equal(Quiz.fnv1a(value), hash, JSON.stringify(value));
});

vectors('streams and shuffles', () => {
  const v = read('streams');
  for (const { seed, label, numbers } of v.streams) {
    const next = Quiz.stream(seed, label);
    assert.deepEqual(numbers.map(() => next()), numbers, `${seed} ${label}`);
  }
  for (const { seed, label, items, shuffled } of v.shuffles) {
    assert.deepEqual(Quiz.shuffled(items, Quiz.stream(seed, label)), shuffled, `${seed} ${label}`);
  }
  for (const { seed, label, fixed, order } of v.fixed) {
    assert.deepEqual(Quiz.shuffledKeepingFixed(fixed.map((f) => ({ fixed: f })), Quiz.stream(seed, label)), order, `${seed} ${label}`);
  }
});

vectors('sealed answer keys', () => {
  const v = read('seal');
  for (const { courseId, fingerprint, questionId, seed, value, sealed } of v.cases) {
    assert.equal(Quiz.keySeed(courseId, fingerprint, questionId), seed, questionId);
    assert.equal(Quiz.seal(value, seed), sealed, questionId);
    assert.deepEqual(Quiz.unseal(sealed, seed), value, questionId);
  }
  for (const { courseId, fingerprint, questionId, sealed, note } of v.damaged) {
    const engine = bareEngine(courseId, fingerprint);
    assert.equal(engine.secret({ id: questionId, key: sealed }).k, undefined, note);
  }
});

vectors('layouts and initial answers', () => {
  const v = read('layout');
  for (const c of v.cases) {
    const engine = engineFor(v.configs[c.config]);
    const plan = engine.layout(c.seed);
    const where = `${c.config} ${c.seed}`;
    assert.deepEqual(plan.order, c.order, where);
    assert.deepEqual(plan.questions.map((q) => q.id), c.questions, where);
    assert.deepEqual(plan.options, c.options, where);
    assert.deepEqual(engine.initialAnswers(plan), c.initialAnswers, where);
  }
});

vectors('answers in suspend_data', () => {
  const v = read('answers');
  const engine = bareEngine();
  for (const { question, answers } of v.answers) {
    const plan = { questions: [question] };
    for (const a of answers) {
      const where = `${question.id} ${a.note || JSON.stringify(a.encoded)}`;
      if ('value' in a) assert.equal(engine.encodeAnswers(plan, [a.value]), a.encoded, where);
      assert.deepEqual(engine.decodeAnswers(plan, a.encoded), [a.decoded], where);
    }
  }
  for (const s of v.sequences) {
    const plan = { questions: s.questions };
    assert.equal(engine.encodeAnswers(plan, s.answers), s.data, `${s.config} ${s.seed}`);
    assert.deepEqual(engine.decodeAnswers(plan, s.data), s.decoded, `${s.config} ${s.seed}`);
  }
  for (const r of v.rejected) {
    assert.throws(() => engine.decodeAnswers({ questions: r.questions }, r.data), /suspend_data/, r.note);
  }
});

vectors('responses and correct-response patterns (SCORM 1.2, and xAPI as the reporter writes them)', () => {
  for (const c of read('responses').cases) {
    const engine = bareEngine(c.courseId, c.fingerprint);
    const kind = c.question.interaction;
    assert.deepEqual(engine.patterns(c.question), c.patterns, c.question.id);
    assert.deepEqual(c.patterns.map((p) => Xapi.xapiResponse(kind, p)), c.xapiPatterns, c.question.id);
    for (const { value, response, xapi } of c.responses) {
      assert.equal(engine.response(c.question, value), response, `${c.question.id} ${JSON.stringify(value)}`);
      assert.equal(Xapi.xapiResponse(kind, response), xapi, `${c.question.id} ${JSON.stringify(value)}`);
    }
  }
});

test('xAPI durations (xapi.js isoDuration, also the cmi5 adapter\'s): ISO 8601 to the hundredth of a second', () => {
  const cases = [[0, 'PT0S'], [61234, 'PT1M1.23S'], [3600000, 'PT1H'], [3723450, 'PT1H2M3.45S'], [5, 'PT0.01S'],
    [-40, 'PT0S'], [120000, 'PT2M']];
  for (const [ms, expected] of cases) assert.equal(Xapi.isoDuration(ms), expected, String(ms));
});

// The type (the question's `interaction`) comes from the builder's configuration; the adapter only
// turns the evaluation comment's into long-fill-in.
vectors('SCORM 2004 interactions: each type\'s formats (quiz.js) and the adapter\'s parts (scorm2004.js)', () => {
  const v = read('scorm2004-interactions');
  for (const c of v.interactions) {
    const q = { id: 'v', type: c.type, caseSensitive: c.caseSensitive || false, sources: (c.sources || []).map((id) => ({ id })) };
    const kind = Quiz.TYPES[c.type];
    assert.equal(kind.response2004(q, c.value), c.expect.learner_response, c.case);
    assert.deepEqual(c.key === null ? [] : kind.patterns2004(q, c.key), c.expect.patterns, c.case);
    assert.equal(Scorm2004.result(c.credit), c.expect.result, c.case);
  }
  for (const c of v.ids) assert.equal(Scorm2004.interactionId(c.course, c.item), c.expect);
  for (const c of v.descriptions) assert.equal(Scorm2004.description(c.text, c.language), c.expect);
  for (const c of v.comments) assert.equal(Scorm2004.commentResponse(c.text, c.limit), c.expect.learner_response);
});

vectors('credit and the score of an attempt', () => {
  const v = read('scoring');
  for (const c of v.credit) {
    const engine = bareEngine(c.courseId, c.fingerprint);
    for (const { value, credit } of c.credits) {
      assert.equal(engine.credit(c.question, value), credit, `${c.question.id} ${JSON.stringify(value)}`);
    }
  }
  for (const a of v.attempts) {
    const engine = engineFor(v.configs[a.config]);
    const result = engine.evaluate(engine.layout(a.seed), a.answers, a.passMark);
    assert.deepEqual(result, { score: a.score, credits: a.credits, correct: a.correct, passed: a.passed }, `${a.config} ${a.note}`);
  }
});

vectors('whole suspend_data', () => {
  const v = read('suspend');
  const codecOf = (name) => Suspend.create(v.configs[name], engineFor(v.configs[name]));
  for (const c of v.encode) {
    const engine = engineFor(v.configs[c.config]);
    const state = { ...c.state, quiz: { ...c.state.quiz, plan: engine.layout(c.state.quiz.seed || '00000') } };
    assert.equal(codecOf(c.config).encode(state), c.data, `${c.config} ${c.note}`);
  }
  for (const c of v.decode) {
    const config = v.configs[c.config];
    assert.deepEqual(comparable(config, codecOf(c.config).decode(c.data)), c.state, `${c.config} ${c.note || c.data}`);
  }
  for (const c of v.rejected) assert.equal(codecOf(c.config).decode(c.data), null, `${c.config} ${c.note}`);
  for (const c of v.earlier) {
    const decoded = codecOf(c.config).decode(c.data);
    assert.deepEqual(comparable(v.configs[c.config], decoded), c.state, `${c.config} ${c.note}`);
    assert.deepEqual(decoded.earlier, c.earlier, `${c.config} ${c.note}`);
  }
});

vectors('certificate codes', () => {
  for (const { courseId, version, learnerId, date, code } of read('certificate').cases) {
    assert.equal(Certificate.verificationCode(courseId, version, learnerId, date), code, `${courseId} ${learnerId}`);
  }
});
