/*
 * coursepack suspend_data codec (copied to assets/suspend.js). Pure: the learner's progress as
 * suspend_data format v2 and back, an earlier version's data mapped by lesson id, format 1 still
 * read (docs/architecture.md, section 5; builder/suspend.py computes its worst-case length); the
 * answers are the engine's (quiz.js).
 * One global: CoursepackSuspend (module.exports under Node).
 */
;(function (global) {
  'use strict';

  const MAX_STORED_ATTEMPTS = 1295;           // "zz" in base 36: builder/suspend.py counts 2 digits

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

  // engine: quiz.js create(). Progress: {visited, quiz, evaluation} as player.js keeps them.
  function create(config, engine, { debug = false } = {}) {
    const quiz = config.quiz || null;
    const evaluation = quiz ? quiz.evaluation || null : null;
    const lessonCount = (config.lessons || []).length;

    const evaluationField = (e) => (e.submitted ? 's' : '-') + e.answers.map((a) => a || '-').join('');

    function readEvaluation(field) {
      const points = evaluation.scale.map((pt) => pt.id);
      if (field.length !== 1 + evaluation.items.length || !/^[-s]$/.test(field[0])) return null;
      const answers = field.slice(1).split('').map((c) => (c === '-' ? null : c));
      if (answers.some((a) => a !== null && !points.includes(a))) return null;
      return { submitted: field[0] === 's', answers };
    }

    // The progress as suspend_data.
    function encode(progress) {
      let quizPart = '';
      if (quiz) {
        const q = progress.quiz;
        const used = Math.min(q.used, quiz.attempts || MAX_STORED_ATTEMPTS);
        const fields = [used.toString(36), q.phase, q.score === null ? '' : String(q.score)];
        if (quiz.randomized) fields.push(q.seed);
        if (quiz.feedback === 'after-question') fields.push(engine.bitmap(q.checked));
        if (evaluation) fields.push(evaluationField(progress.evaluation));
        fields.push(engine.encodeAnswers(q.plan, q.answers));
        quizPart = fields.join('.');
      }
      return ['2', config.fingerprint, engine.bitmap(progress.visited), quizPart].join('~');
    }

    // The stored progress, or null if it is not this course's; quiz, evaluation null when absent.
    // Data of an earlier version this one knows (config.earlier) adds earlier: {version, quizRestarted}.
    function decode(data) {
      const head = splitFields(data, '~', 3);
      if (!head) return null;
      if (head[0] === '1') return decodeV1(head);
      if (head[0] !== '2') return null;
      if (head[1] !== config.fingerprint) return decodeEarlier(head);
      const visited = engine.readBitmap(head[2], lessonCount);
      return visited ? decodeQuiz(visited, head[3]) : null;
    }

    // An earlier version's data: lessons mapped by id; its quiz attempt kept only if that quiz is this one.
    function decodeEarlier(head) {
      const earlier = (config.earlier || []).find((e) => e.fingerprint === head[1]);
      if (!earlier) return null;
      const stored = engine.readBitmap(head[2], earlier.lessons.length);
      if (!stored) return null;
      const seen = new Set(earlier.lessons.filter((_, i) => stored[i]));
      const visited = (config.lessons || []).map((lesson) => seen.has(lesson.id));
      const restored = earlier.quiz ? decodeQuiz(visited, head[3]) : { visited, quiz: null, evaluation: null };
      if (restored) restored.earlier = { version: earlier.version, quizRestarted: Boolean(quiz) && !earlier.quiz };
      return restored;
    }

    // The progress with the quiz part `field` read as this version's quiz.
    function decodeQuiz(visited, field) {
      if (!quiz) return field === '' ? { visited, quiz: null, evaluation: null } : null;
      const extra = (quiz.randomized ? 1 : 0) + (quiz.feedback === 'after-question' ? 1 : 0) + (evaluation ? 1 : 0);
      const f = splitFields(field, '.', 3 + extra);
      if (!f || !/^[0-9a-z]{1,2}$/.test(f[0]) || !/^[nps]$/.test(f[1]) || !/^(\d{1,3})?$/.test(f[2])) return null;
      let k = 3;
      const seed = quiz.randomized ? f[k++] : '00000';
      if (!/^[0-9a-z]{5}$/.test(seed)) return null;
      const plan = engine.layout(seed);
      const checked = quiz.feedback === 'after-question' ? engine.readBitmap(f[k++], plan.questions.length)
        : plan.questions.map(() => false);
      const restoredEvaluation = evaluation ? readEvaluation(f[k++]) : null;
      if (!checked || (evaluation && !restoredEvaluation)) return null;
      let answers;
      try {
        answers = engine.decodeAnswers(plan, f[k]);
      } catch (error) {
        if (debug) console.warn('[coursepack] stored answers do not fit this quiz:', error.message);
        return null;
      }
      const score = f[2] === '' ? null : Math.min(100, Number(f[2]));
      return { visited, quiz: { used: parseInt(f[0], 36), phase: f[1], seed, plan, answers, checked, score },
        evaluation: restoredEvaluation };
    }

    // Format v1 (true-false answers in quiz order), kept readable for courses it still fits.
    function decodeV1(head) {
      if (!config.fingerprintV1 || head[1] !== config.fingerprintV1) return null;
      const visited = engine.readBitmap(head[2], lessonCount);
      if (!visited) return null;
      if (!quiz) return head[3] === '' ? { visited, quiz: null, evaluation: null } : null;
      const m = /^([0-9a-z]{1,4})\.([nps])\.([tf-]*)\.(\d{0,3})$/.exec(head[3]);
      const plan = engine.layout('00000');
      if (!m || m[3].length !== plan.questions.length) return null;
      return {
        visited,
        quiz: { used: Math.min(parseInt(m[1], 36), MAX_STORED_ATTEMPTS), phase: m[2], seed: '00000', plan,
          answers: m[3].split('').map((c) => (c === '-' ? null : c)), checked: plan.questions.map(() => false),
          score: m[4] === '' ? null : Math.min(100, Number(m[4])) },
        evaluation: null,
      };
    }

    return { encode, decode };
  }

  const api = Object.freeze({ create, MAX_STORED_ATTEMPTS });
  global.CoursepackSuspend = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
