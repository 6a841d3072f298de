// A runtime configuration with one question of every type, for the node tests of the pure
// runtime modules. The shapes are those builder/page/runtime_config.py writes (docs/architecture.md,
// section 3); the answer keys are sealed the builder's way (pinned in engine.test.js).
'use strict';

const path = require('node:path');
const fs = require('node:fs');

const RUNTIME = path.join(__dirname, '..', '..', 'templates', 'runtime');
const load = (name) => require(path.join(RUNTIME, name));

const Quiz = load('quiz.js');
// Every question type's file adds itself to Quiz.TYPES (a package carries only its course's types).
const TYPE_FILES = fs.readdirSync(path.join(RUNTIME, 'types')).filter((name) => name.endsWith('.js')).sort();
for (const name of TYPE_FILES) load(path.join('types', name));
const strings = JSON.parse(fs.readFileSync(path.join(RUNTIME, '..', 'locales', 'en.json'), 'utf-8'));

// The catalogue lookup of player.js: a string with its {name} placeholders filled in.
function text(key, params = {}) {
  let s = key in strings ? String(strings[key]) : key;
  for (const [name, value] of Object.entries(params)) s = s.split(`{${name}}`).join(String(value));
  return s;
}

const options = (ids, label) => ids.split('').map((id) => ({ id, text: `${label} ${id}` }));

function courseConfig(overrides = {}) {
  const course = { id: 'demo', title: 'Demo', version: '1.0.0', language: 'en' };
  const fingerprint = 'k3f9';
  const sealed = (id, value) => Quiz.seal(value, Quiz.keySeed(course.id, fingerprint, id));
  const question = (id, type, interaction, extra, key) => ({
    id, type, interaction, weight: type === 'likert' ? 0 : 1, text: `Question ${id}`,
    ...(key === undefined ? {} : { key: sealed(id, key) }), ...extra,
  });
  const scale = options('12345', 'Point');
  const questions = [
    question('tf1', 'true-false', 'true-false', {}, { k: 't' }),
    question('sc1', 'single-choice', 'choice', {
      choices: [{ id: 'a', text: 'Alpha', fixed: false }, { id: 'b', text: 'Beta', fixed: false },
        { id: 'c', text: 'None of these', fixed: true }],
      shuffle: true,
    }, { k: 'b', e: 'Because.', f: ['Not alpha.', 'Yes, beta.'] }),
    question('mr1', 'multiple-response', 'choice', {
      choices: options('abcdefg', 'Choice').map((c) => ({ ...c, fixed: false })), shuffle: false, partial: true,
    }, { k: 'ace' }),
    question('fi1', 'fill-in', 'fill-in', { maxLength: 40, caseSensitive: false, whitespace: 'normalize' },
      { k: ['Kind words', 'self kindness'] }),
    question('nu1', 'numeric', 'numeric', { maxLength: 20 }, { k: ['3.5', '4', '3.75'] }),
    question('ma1', 'matching', 'matching', {
      sources: options('123', 'Source'), targets: options('abc', 'Target'), shuffle: true, partial: true,
    }, { k: 'bca' }),
    question('sq1', 'sequencing', 'sequencing', { items: options('abcd', 'Step'), partial: false }, { k: 'dacb' }),
    question('lk1', 'likert', 'likert', { scale }),
  ];
  return {
    format: 2,
    course,
    fingerprint,
    fingerprintV1: 'v1fp',
    lessons: 'abcdefg'.split('').map((id) => ({ id: `l-${id}`, title: `Lesson ${id}` })),
    passMark: 75,
    completion: 'both',
    status: { pass: 'passed', fail: 'failed' },
    suspendWorstCase: 200,
    quiz: {
      title: 'Quiz', attempts: 3, randomized: true, feedback: 'after-question', reveal: 'always',
      sections: [{ questions: [0, 1, 2, 3], draw: 3, shuffle: false }, { questions: [4, 5, 6, 7], draw: 4, shuffle: true }],
      questions,
      evaluation: { title: 'Evaluation', required: true, scale, items: [{ id: 'ev1', text: 'Clear?' }, { id: 'ev2', text: 'Useful?' }],
        comment: { id: 'ev-comment', text: 'Anything else?', maxLength: 255 } },
    },
    strings,
    ...overrides,
  };
}

// A question of the fixture by id.
const byId = (config, id) => config.quiz.questions.find((q) => q.id === id);

module.exports = { RUNTIME, TYPE_FILES, load, text, courseConfig, byId };
