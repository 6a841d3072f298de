/*
 * coursepack player, suspend_data (copied to assets/suspend.js; loaded before assets/player.js).
 *
 * Owns the suspend_data format v2 (docs/architecture.md, section 5; builder/suspend.py computes
 * its worst-case length): the learner's progress (visited lessons, the quiz attempt, the course
 * evaluation) as one string and back, and format 1 still read. It never talks to the LMS and
 * never touches the page: tracking.js decides when to read and write, and quiz.js encodes the
 * answers themselves. Registers CoursepackPlayer.suspend (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const MAX_STORED_ATTEMPTS = 1295;           // "zz" in base 36: builder/suspend.py counts 2 digits

  // Flags as base64url digits, 6 per character (bit i % 6 of character i / 6).
  function bitmap(flags) {
    let out = '';
    for (let i = 0; i < flags.length; i += 6) {
      let digit = 0;
      for (let bit = 0; bit < 6 && i + bit < flags.length; bit++) if (flags[i + bit]) digit |= 1 << bit;
      out += BASE64URL[digit];
    }
    return out;
  }

  function readBitmap(textValue, n) {
    if (textValue.length !== Math.ceil(n / 6) || /[^A-Za-z0-9_-]/.test(textValue)) return null;
    return Array.from({ length: n }, (_, i) => (BASE64URL.indexOf(textValue[Math.floor(i / 6)]) & (1 << (i % 6))) !== 0);
  }

  // The first n fields separated by `separator`, then everything after them (which may hold it).
  function splitFields(textValue, separator, n) {
    const out = [];
    let at = 0;
    for (let k = 0; k < n; k++) {
      const next = textValue.indexOf(separator, at);
      if (next < 0) return null;
      out.push(textValue.slice(at, next));
      at = next + 1;
    }
    out.push(textValue.slice(at));
    return out;
  }

  // p: what the player's parts share (player.js).
  function create(p) {
    const { config, lessons, quiz, evaluation, engine, state, freshQuiz, freshEvaluation, DEBUG } = p;

    const evaluationField = () => (state.evaluation.submitted ? 's' : '-')
      + state.evaluation.answers.map((a) => a || '-').join('');

    function readEvaluation(field) {
      const points = evaluation.scale.map((pt) => pt.id);
      if (field.length !== 1 + evaluation.items.length || !/^[-s]$/.test(field[0])) return null;
      const answers = field.slice(1).split('').map((c) => (c === '-' ? null : c));
      if (answers.some((a) => a !== null && !points.includes(a))) return null;
      return { submitted: field[0] === 's', answers };
    }

    // The current state as suspend_data.
    function encode() {
      let quizPart = '';
      if (quiz) {
        const q = state.quiz;
        const used = Math.min(q.used, quiz.attempts || MAX_STORED_ATTEMPTS);
        const fields = [used.toString(36), q.phase, q.score === null ? '' : String(q.score)];
        if (quiz.randomized) fields.push(q.seed);
        if (quiz.feedback === 'after-question') fields.push(bitmap(q.checked));
        if (evaluation) fields.push(evaluationField());
        fields.push(engine.encodeAnswers(q.plan, q.answers));
        quizPart = fields.join('.');
      }
      return ['2', config.fingerprint, bitmap(state.visited), quizPart].join('~');
    }

    // {visited, quiz, evaluation} from stored data, or null when it is not this course's data.
    function decode(data) {
      const head = splitFields(data, '~', 3);
      if (!head) return null;
      if (head[0] === '1') return decodeV1(head);
      if (head[0] !== '2' || head[1] !== config.fingerprint) return null;
      const visited = readBitmap(head[2], lessons.length);
      if (!visited) return null;
      if (!quiz) return head[3] === '' ? { visited, quiz: freshQuiz(), evaluation: freshEvaluation() } : null;
      const extra = (quiz.randomized ? 1 : 0) + (quiz.feedback === 'after-question' ? 1 : 0) + (evaluation ? 1 : 0);
      const f = splitFields(head[3], '.', 3 + extra);
      if (!f || !/^[0-9a-z]{1,2}$/.test(f[0]) || !/^[nps]$/.test(f[1]) || !/^(\d{1,3})?$/.test(f[2])) return null;
      let k = 3;
      const seed = quiz.randomized ? f[k++] : '00000';
      if (!/^[0-9a-z]{5}$/.test(seed)) return null;
      const plan = engine.layout(seed);
      const checked = quiz.feedback === 'after-question' ? readBitmap(f[k++], plan.questions.length)
        : plan.questions.map(() => false);
      const restoredEvaluation = evaluation ? readEvaluation(f[k++]) : freshEvaluation();
      if (!checked || !restoredEvaluation) return null;
      let answers;
      try {
        answers = engine.decodeAnswers(plan, f[k]);
      } catch (error) {
        if (DEBUG) console.warn('[coursepack] stored answers do not fit this quiz:', error.message);
        return null;
      }
      const score = f[2] === '' ? null : Math.min(100, Number(f[2]));
      return { visited, quiz: { used: parseInt(f[0], 36), phase: f[1], seed, plan, answers, checked, score },
        evaluation: restoredEvaluation };
    }

    // Format v1 (true-false answers in quiz order), kept readable for courses it still fits.
    function decodeV1(head) {
      if (!config.fingerprintV1 || head[1] !== config.fingerprintV1) return null;
      const visited = readBitmap(head[2], lessons.length);
      if (!visited) return null;
      if (!quiz) return head[3] === '' ? { visited, quiz: freshQuiz(), evaluation: freshEvaluation() } : null;
      const m = /^([0-9a-z]{1,4})\.([nps])\.([tf-]*)\.(\d{0,3})$/.exec(head[3]);
      const plan = engine.layout('00000');
      if (!m || m[3].length !== plan.questions.length) return null;
      return {
        visited,
        quiz: { used: Math.min(parseInt(m[1], 36), MAX_STORED_ATTEMPTS), phase: m[2], seed: '00000', plan,
          answers: m[3].split('').map((c) => (c === '-' ? null : c)), checked: plan.questions.map(() => false),
          score: m[4] === '' ? null : Math.min(100, Number(m[4])) },
        evaluation: freshEvaluation(),
      };
    }

    return { encode, decode };
  }

  const parts = global.CoursepackPlayer || (global.CoursepackPlayer = {});
  parts.suspend = Object.freeze({ create });
})(window);
