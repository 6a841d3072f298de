// The quiz engine (templates/runtime/quiz.js and each type's file, types/*.js) under Node, without a
// page. Expected values come from the builder (builder/model.py, builder/answerkey.py) or from the rules of
// docs/architecture.md, section 5, worked out independently of the engine.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { TYPE_FILES, load, text, courseConfig, byId } = require('./fixture.js');

const Quiz = load('quiz.js');
const config = courseConfig();
const engine = Quiz.create(config, text);
const q = (id) => byId(config, id);

test('xorshift32 and FNV-1a are the builder\'s', () => {
  const states = [];
  let x = 1;
  for (let i = 0; i < 5; i++) states.push((x = Quiz.xorshift(x)));
  assert.deepEqual(states, [270369, 67634689, 2647435461, 307599695, 2398689233]);   // builder.model.xorshift32
  assert.equal(Quiz.fnv1a(''), 2166136261);
  assert.equal(Quiz.fnv1a('a'), 3826002220);
  assert.equal(Quiz.fnv1a('héllo'), 1252296000);                                         // over UTF-8 bytes
});

test('a stream is xorshift32 from seed ^ FNV-1a(label), never from 0', () => {
  const next = Quiz.stream(0, '');
  assert.equal(next(), 1176675959 / 2 ** 32);
  assert.equal(next(), 1332064033 / 2 ** 32);
  const fromZero = Quiz.stream(Quiz.fnv1a('a'), 'a');   // seed ^ hash === 0: starts from 1
  assert.equal(fromZero(), 270369 / 2 ** 32);
});

test('shuffles are Fisher-Yates from the end; fixed options stay in place', () => {
  assert.deepEqual(Quiz.shuffled([0, 1, 2, 3], () => 0), [1, 2, 3, 0]);
  assert.deepEqual(Quiz.shuffled([0, 1, 2, 3], () => 0.99), [0, 1, 2, 3]);
  const options = [{ fixed: false }, { fixed: true }, { fixed: false }, { fixed: false }];
  assert.deepEqual(Quiz.shuffledKeepingFixed(options, () => 0), [2, 1, 3, 0]);
});

test('answer keys are sealed and unsealed the way builder/answerkey.py does', () => {
  const seed = Quiz.keySeed('demo', 'k3f9', 'q1');
  assert.equal(seed, 309670523);
  // keys given out of order: sealed with sorted keys, as json.dumps(sort_keys=True)
  const sealed = Quiz.seal({ k: 'b', f: ['no', 'yes'], e: 'Because.' }, seed);
  assert.equal(sealed, '3VOKaBFVAvKiVxHiIDpwaCxaNpfq5mvcW4Ci1ea0UOwaI4iJf2kcFKA=');
  assert.deepEqual(Quiz.unseal(sealed, seed), { e: 'Because.', f: ['no', 'yes'], k: 'b' });
  assert.equal(Quiz.seal({ k: ['3.5', '4', '3.75'] }, Quiz.keySeed('demo', 'k3f9', 'n1')), 'ZzBFfTEhw3IiqmM6EmQ56Hw7OgVsv/Lg');
  assert.deepEqual(engine.secret(q('sc1')), { e: 'Because.', f: ['Not alpha.', 'Yes, beta.'], k: 'b' });
});

test('the layout of an attempt follows its seed', () => {
  const plan = engine.layout('abc12');
  assert.equal(plan.seed, 'abc12');
  assert.deepEqual(plan.order, [1, 2, 3, 7, 6, 5, 4]);          // section 0 draws 3 in written order, 1 shuffles
  assert.deepEqual(plan.questions.map((x) => x.id), ['sc1', 'mr1', 'fi1', 'lk1', 'sq1', 'ma1', 'nu1']);
  assert.deepEqual(plan.options, [[1, 0, 2], [0, 1, 2, 3, 4, 5, 6], null, null, null, [1, 0, 2], null]);
  const other = engine.layout('00000');
  assert.deepEqual(other.order, [0, 2, 3, 7, 6, 4, 5]);
  assert.deepEqual(other.options[6], [2, 0, 1]);                   // ma1's targets
  assert.deepEqual(engine.layout('zzzzz').order, [0, 1, 2, 6, 5, 4, 7]);
});

test('a quiz without pools or shuffling keeps the written order', () => {
  const plain = courseConfig();
  plain.quiz.sections = [{ questions: [0, 1, 2], draw: 3, shuffle: false }];
  plain.quiz.questions[1].shuffle = false;
  const plan = Quiz.create(plain, text).layout('k2j4x');
  assert.deepEqual(plan.order, [0, 1, 2]);
  assert.deepEqual(plan.options, [null, [0, 1, 2], [0, 1, 2, 3, 4, 5, 6]]);
});

test('initial answers: null, except a sequencing question, never in its correct order', () => {
  assert.deepEqual(engine.initialAnswers(engine.layout('abc12')), [null, null, null, null, 'adcb', null, null]);
  // seed 0036p shuffles sq1 into its correct order "dacb": rotated by one
  const plan = engine.layout('0036p');
  const i = plan.questions.findIndex((x) => x.id === 'sq1');
  assert.equal(engine.initialAnswers(plan)[i], 'acbd');
});

test('true-false and single-choice: responses, patterns, credit, feedback', () => {
  assert.equal(engine.response(q('tf1'), 't'), 't');
  assert.deepEqual(engine.patterns(q('tf1')), ['t']);
  assert.equal(engine.credit(q('tf1'), 't'), 1);
  assert.equal(engine.credit(q('tf1'), 'f'), 0);
  assert.equal(engine.readable(q('tf1'), 'f'), 'False');
  assert.equal(engine.correctText(q('tf1')), 'Correct answer: True');
  assert.equal(engine.response(q('sc1'), 'a'), 'a');
  assert.deepEqual(engine.patterns(q('sc1')), ['b']);
  assert.equal(engine.readable(q('sc1'), 'b'), 'Beta');
  assert.deepEqual(engine.choiceFeedback(q('sc1'), 'a'), ['Not alpha.']);
  assert.deepEqual(engine.choiceFeedback(q('sc1'), 'c'), []);
  assert.equal(engine.explanation(q('sc1')), 'Because.');
});

test('multiple-response: comma-separated ids, partial credit as right minus wrong', () => {
  const mr = q('mr1');
  assert.equal(engine.response(mr, 'ace'), 'a,c,e');
  assert.deepEqual(engine.patterns(mr), ['a,c,e']);
  assert.equal(engine.credit(mr, 'ace'), 1);
  assert.equal(engine.credit(mr, 'ac'), 2 / 3);
  assert.equal(engine.credit(mr, 'abc'), 1 / 3);
  assert.equal(engine.credit(mr, 'bdf'), 0);
  assert.equal(engine.credit({ ...mr, partial: false }, 'ac'), 0);
  assert.equal(engine.readable(mr, 'ac'), 'Choice a; Choice c');
});

test('fill-in: one line of at most 255, matched after the question\'s normalization', () => {
  const fi = q('fi1');
  assert.equal(engine.response(fi, '  two\nlines '), 'two lines');
  assert.equal(engine.response(fi, 'x'.repeat(300)).length, 255);
  assert.deepEqual(engine.patterns(fi), ['Kind words', 'self kindness']);
  assert.equal(engine.credit(fi, '  kind   WORDS '), 1);
  assert.equal(engine.credit(fi, 'kindwords'), 0);
  assert.equal(engine.credit({ ...fi, whitespace: 'ignore' }, 'kindwords'), 1);
  assert.equal(engine.credit({ ...fi, caseSensitive: true }, 'kind words'), 0);
  assert.equal(engine.correctText(fi), 'Accepted answers: Kind words / self kindness');
});

test('numeric: a range with an optional pattern', () => {
  const nu = q('nu1');
  assert.deepEqual(engine.patterns(nu), ['3.75']);
  for (const [value, credit] of [['3.5', 1], ['4', 1], ['3.49', 0], ['4.01', 0]]) assert.equal(engine.credit(nu, value), credit);
  assert.equal(engine.correctText(nu), 'Correct answer: 3.75 (3.5 – 4)');
  const bare = Quiz.create(courseConfig(), text);
  const range = { ...nu, id: 'n1', key: Quiz.seal({ k: ['1', '2', null] }, Quiz.keySeed('demo', 'k3f9', 'n1')) };
  assert.deepEqual(bare.patterns(range), []);
  assert.equal(bare.correctText(range), 'Correct answer: 1 – 2');
});

test('matching and sequencing: positional credit, SCORM 1.2 pairs and lists', () => {
  const ma = q('ma1');
  assert.equal(engine.response(ma, 'b-a'), '1.b,3.a');
  assert.deepEqual(engine.patterns(ma), ['1.b,2.c,3.a']);
  assert.equal(engine.credit(ma, 'bca'), 1);
  assert.equal(engine.credit(ma, 'bcb'), 2 / 3);
  assert.equal(engine.readable(ma, 'b-a'), 'Source 1 → Target b; Source 2 → no match; Source 3 → Target a');
  assert.equal(engine.complete(ma, 'b-a'), false);
  assert.equal(engine.complete(ma, 'bca'), true);
  const sq = q('sq1');
  assert.equal(engine.response(sq, 'abcd'), 'a,b,c,d');
  assert.deepEqual(engine.patterns(sq), ['d,a,c,b']);
  assert.equal(engine.credit(sq, 'dabc'), 0);
  assert.equal(engine.credit({ ...sq, partial: true }, 'dabc'), 0.5);
  assert.equal(engine.readable(sq, 'ba'), 'Step b → Step a');
});

test('likert and unanswered questions', () => {
  const lk = q('lk1');
  assert.equal(engine.response(lk, '3'), '3');
  assert.deepEqual(engine.patterns(lk), []);
  assert.equal(engine.credit(lk, '3'), null);
  assert.equal(engine.credit(lk, null), null);
  assert.equal(engine.readable(lk, '3'), 'Point 3');
  assert.equal(engine.correctText(lk), '');
  assert.equal(engine.response(q('tf1'), null), '');
  assert.equal(engine.readable(q('tf1'), null), 'not answered');
  assert.equal(engine.credit(q('tf1'), null), 0);
  assert.equal(engine.complete(q('nu1'), null), false);
});

test('a damaged key scores wrong instead of breaking the quiz', () => {
  const broken = { ...q('tf1'), id: 'broken', key: 'not a key' };
  assert.equal(engine.credit(broken, 't'), 0);
  assert.deepEqual(engine.patterns(broken), []);
  assert.equal(engine.correctText(broken), '');
});

// The attempt of seed 00000 (tf1, mr1, fi1, lk1, sq1, nu1, ma1) with one answer each.
const plan = engine.layout('00000');
const answers = ['t', 'ac', 'kind words', '3', 'dacb', '9', 'bcb'];

test('an attempt scores the weighted share of credit, likert left out, at most 2 decimals', () => {
  const result = engine.evaluate(plan, answers, config.passMark);
  assert.deepEqual(result.credits, [1, 2 / 3, 1, null, 1, 0, 2 / 3]);
  assert.equal(result.score, 72.22);
  assert.equal(result.passed, false);
  assert.deepEqual(result.correct, [true, false, true, false, true, false, false]);
  assert.equal(engine.evaluate(plan, ['t', 'ace', 'self kindness', null, 'dacb', '3.6', 'bca'], 75).score, 100);
  assert.equal(engine.evaluate({ questions: [q('lk1')] }, ['2'], 75).score, 0);
});

test('answers are encoded for suspend_data, each self-delimiting, and read back', () => {
  const data = engine.encodeAnswers(plan, answers);
  assert.equal(data, 'tFA0akind words3dacb19bcb');
  assert.deepEqual(engine.decodeAnswers(plan, data), answers);
  const unanswered = [null, null, null, null, 'bdca', null, null];
  assert.equal(engine.encodeAnswers(plan, unanswered), '-AA00-bdca0---');
  assert.deepEqual(engine.decodeAnswers(plan, '-AA00-bdca0---'), unanswered);
  const tricky = ['f', 'g', 'a.b~c ', '5', 'abcd', '-3.25', 'c-a'];  // separators inside a text
  assert.deepEqual(engine.decodeAnswers(plan, engine.encodeAnswers(plan, tricky)), tricky);
});

test('stored answers that do not fit the quiz are refused', () => {
  for (const bad of [
    'tFA0akind words3dacb19bcbX',   // too long
    'tFA0akind words3dacb19bc',     // too short
    'xFA0akind words3dacb19bcb',    // not t/f
    'tFC0akind words3dacb19bcb',    // a choice past the seventh
    'tF*0akind words3dacb19bcb',    // not a bitmap
    'tFA15' + 'k'.repeat(41) + '3dacb19bcb',   // longer than maxLength
    'tFA0akind words3aacb19bcb',    // not an order of the items
    'tFA0akind words3dacb43.50bcb', // a number not in plain form
    'tFA0akind words3dacb19bdb',    // no such target
    'tFA0akind words6dacb19bcb',    // no such point
  ]) assert.throws(() => engine.decodeAnswers(plan, bad), /suspend_data/, bad);
});

test('bitmaps: 6 flags per base64url digit', () => {
  const flags = [true, false, true, false, false, false, true];
  assert.equal(Quiz.bitmap(flags), 'FB');
  assert.deepEqual(Quiz.readBitmap('FB', 7), flags);
  assert.equal(Quiz.readBitmap('FB', 6), null);
  assert.equal(Quiz.readBitmap('F*', 7), null);
  assert.deepEqual(Quiz.readBitmap('FD', 7), flags);       // bits past the 7th are ignored ...
  assert.equal(Quiz.readBitmap('FD', 7, true), null);      // ... unless exact
  assert.equal(Quiz.bitmap([]), '');
});

test('numbers are read in plain form', () => {
  for (const [raw, plain] of [[' 3,50 ', '3.5'], ['-0', '0'], ['+007.10', '7.1'], ['.5', '0.5'], ['5.', '5'], ['-3.25', '-3.25']]) {
    assert.equal(Quiz.TYPES.numeric.parse(raw), plain, raw);
  }
  for (const raw of ['abc', '', '-', '1e3', '1.2.3']) assert.equal(Quiz.TYPES.numeric.parse(raw), null, raw);
});

test('a new seed is five base-36 digits', () => {
  for (let i = 0; i < 20; i++) assert.match(Quiz.newSeed(), /^[0-9a-z]{5}$/);
});

test('every question type has one complete definition, in a file of its own', () => {
  const parts = ['response', 'patterns', 'response2004', 'patterns2004', 'credit', 'readable', 'encode', 'decode', 'view'];
  assert.equal(Object.keys(Quiz.TYPES).length, TYPE_FILES.length, 'one type per file of templates/runtime/types/');
  for (const [name, type] of Object.entries(Quiz.TYPES)) {
    for (const part of parts) assert.equal(typeof type[part], 'function', `${name}.${part}`);
  }
  assert.throws(() => engine.response({ id: 'x', type: 'essay' }, 'text'), /unknown question type essay/);
});

test('a new question type needs only its definition in TYPES (its file in types/, with its renderer)', (t) => {
  // A toy "rating" question: one digit 1..5, right within one point of its key.
  Quiz.TYPES.rating = {
    response: (question, v) => v,
    patterns: (question, k) => [k],
    credit: (question, v, k) => (Math.abs(Number(v) - Number(k)) <= 1 ? 1 : 0),
    readable: (question, v) => `${v} of 5`,
    encode: (question, v) => v || '-',
    decode: (question, r) => r.oneOf(['1', '2', '3', '4', '5']),
  };
  t.after(() => { delete Quiz.TYPES.rating; });
  const toy = courseConfig();
  toy.quiz.questions.push({ id: 'r1', type: 'rating', interaction: 'numeric', weight: 2, text: 'Rate it',
    key: Quiz.seal({ k: '4' }, Quiz.keySeed('demo', 'k3f9', 'r1')) });
  toy.quiz.sections = [{ questions: [0, 8], draw: 2, shuffle: false }];
  const toyEngine = Quiz.create(toy, text);
  const toyPlan = toyEngine.layout('00000');
  assert.deepEqual(toyPlan.questions.map((x) => x.id), ['tf1', 'r1']);
  assert.equal(toyEngine.evaluate(toyPlan, ['f', '5'], 75).score, 66.67);
  assert.deepEqual(toyEngine.patterns(toyPlan.questions[1]), ['4']);
  assert.equal(toyEngine.correctText(toyPlan.questions[1]), 'Correct answer: 4 of 5');
  const codec = load('suspend.js').create({ ...toy, quiz: { ...toy.quiz, evaluation: null } }, toyEngine);
  const stored = codec.encode({ visited: toy.lessons.map(() => true),
    quiz: { used: 1, phase: 's', seed: '00000', plan: toyPlan, answers: ['f', '5'], checked: [false, false], score: 66 } });
  assert.equal(stored, '2~k3f9~_B~1.s.66.00000.A.f5');
  assert.deepEqual(codec.decode(stored).quiz.answers, ['f', '5']);
});
