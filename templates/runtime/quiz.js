/*
 * coursepack quiz engine (copied to assets/quiz.js). Pure: no page, no LMS, no clock.
 * Deterministic randomness, an attempt's layout, the sealed answer keys, scoring and the totals;
 * each question type is defined in its own file (types/<type>.js), which adds itself to TYPES.
 * The builder computes the same (builder/engine.py, answerkey.py).
 * One global: CoursepackQuiz (module.exports under Node).
 */
;(function (global) {
  'use strict';

  const CHOICE_IDS = 'abcdefghijklmnopqrstuvwxyz0123456789';   // choices, matching targets, sequencing items
  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const SEED_LENGTH = 5;                                       // base 36 (builder/suspend.py)
  const LIST_2004 = '[,]';                                     // SCORM 2004: between listed ids (RTE 4.2.9.1)

  // ------------------------------------------------------------------ deterministic randomness
  // 32-bit xorshift: the same generator as builder/model.py's xorshift32 (answer keys, layouts).
  function xorshift(x) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    return (x ^ (x << 5)) >>> 0;
  }

  // 32-bit FNV-1a over the UTF-8 bytes of a string (builder/answerkey.py).
  function fnv1a(textValue) {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(textValue)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h;
  }

  // A generator of numbers in [0, 1) for one purpose of one attempt (seed mixed with a label).
  function stream(seed, label) {
    let x = (seed ^ fnv1a(label)) >>> 0 || 1;
    return () => { x = xorshift(x); return x / 4294967296; };
  }

  // Fisher-Yates from the end with `next` in [0, 1).
  function shuffled(list, next) {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  // Positions -> option indices, with options marked `fixed` kept in their place.
  function shuffledKeepingFixed(options, next) {
    const free = options.map((_, i) => i).filter((i) => !options[i].fixed);
    const mixed = shuffled(free, next);
    const out = options.map((_, i) => i);
    free.forEach((slot, k) => { out[slot] = mixed[k]; });
    return out;
  }

  // A new attempt's seed (the engine's only randomness).
  function newSeed() {
    const limit = 36 ** SEED_LENGTH;
    let value = Math.floor(Math.random() * limit);
    try {
      value = global.crypto.getRandomValues(new Uint32Array(1))[0] % limit;
    } catch { /* Math.random is good enough for shuffling */ }
    return value.toString(36).padStart(SEED_LENGTH, '0');
  }

  // ------------------------------------------------------------------ bitmaps (suspend_data)
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

  // n flags, or null: wrong length or alphabet, or (exact) a bit set past the n-th.
  function readBitmap(textValue, n, exact = false) {
    const digits = Array.from(textValue, (c) => BASE64URL.indexOf(c));
    if (digits.length !== Math.ceil(n / 6) || digits.includes(-1)) return null;
    if (exact && digits.some((d, j) => d >> Math.min(6, n - j * 6))) return null;
    return Array.from({ length: n }, (_, i) => (digits[Math.floor(i / 6)] & (1 << (i % 6))) !== 0);
  }

  // ------------------------------------------------------------------ sealed answer keys
  // builder/answerkey.py: sorted JSON XOR-ed with xorshift32 low bytes from `seed`, in base64.
  const keySeed = (courseId, fingerprint, questionId) => fnv1a(`${courseId}/${fingerprint}/${questionId}`) || 1;

  function keystream(bytes, seed) {
    let x = seed;
    for (let i = 0; i < bytes.length; i++) {
      x = xorshift(x);
      bytes[i] ^= x & 0xff;
    }
    return bytes;
  }

  const sorted = (v) => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
  const seal = (value, seed) => btoa(String.fromCharCode(...keystream(new TextEncoder().encode(JSON.stringify(sorted(value))), seed)));
  const unseal = (key, seed) => JSON.parse(new TextDecoder().decode(keystream(Uint8Array.from(atob(key), (c) => c.charCodeAt(0)), seed)));

  // ------------------------------------------------------------------ what the types share
  // Each type's definition is its own file, templates/runtime/types/<type>.js, named after its
  // builder/questions/<type>.py; a package carries only the types its course uses. The files load
  // after this one and add their definition to TYPES. A definition: v is a given answer, k
  // the key. response, patterns: SCORM 1.2 (RTE 8.1); response2004, patterns2004: SCORM 2004
  // (docs/scorm2004.md, "Interactions"); credit 0..1; readable, correctText (if the key is no answer);
  // encode (v may be null), decode: suspend_data; complete: whether v counts as answered (default:
  // yes); initial(q, next, k): the answer before the learner does anything (default: null); survey:
  // never scored (no key, credit null); view(kit): the renderer (quizview.js; DOM code only in there).
  const TYPES = {};

  const optionText = (list, id) => { const o = list.find((x) => x.id === id); return o ? o.text : id; };
  const ids = (value) => (value ? value.split('') : []);

  // Share of items in the right place (matching by source, sequencing by position).
  function positional(value, key, partial) {
    if (!value) return 0;
    let hits = 0;
    for (let i = 0; i < key.length; i++) if (value[i] === key[i]) hits++;
    if (hits === key.length) return 1;
    return partial ? hits / key.length : 0;
  }

  // Reads the answers of suspend_data one after the other.
  function reader(data) {
    let at = 0;
    const take = (n) => {
      if (at + n > data.length) throw new Error('suspend_data: answers too short');
      at += n;
      return data.slice(at - n, at);
    };
    // one character out of `allowed`, or '-' for none
    const oneOf = (allowed) => {
      const c = take(1);
      if (c === '-') return null;
      if (!allowed.includes(c)) throw new Error(`suspend_data: '${c}' does not fit`);
      return c;
    };
    return { take, oneOf, done: () => at === data.length };
  }

  // A text after its length in `digits` base-36 digits, at most `max` long.
  function readCounted(r, digits, max) {
    const n = parseInt(r.take(digits), 36);
    if (!(n >= 0 && n <= max)) throw new Error('suspend_data: bad length');
    return r.take(n);
  }

  // A question answered with one id out of key(q), right when it is the key (true-false, single-choice, likert).
  const single = (key) => ({
    response: (q, v) => v,
    patterns: (q, k) => [k],
    response2004: (q, v) => v,
    patterns2004: (q, k) => [k],
    credit: (q, v, k) => (v === k ? 1 : 0),
    encode: (q, v) => v || '-',
    decode: (q, r) => r.oneOf(key(q)),
  });

  // Ids in a row, reported as a list (multiple-response, sequencing).
  const list = {
    response: (q, v) => ids(v).join(','),
    patterns: (q, k) => [ids(k).join(',')],
    response2004: (q, v) => ids(v).join(LIST_2004),
    patterns2004: (q, k) => [ids(k).join(LIST_2004)],
  };

  // ------------------------------------------------------------------ the engine for one course
  // config: the runtime configuration; text(key, params): the catalogue.
  function create(config, text) {
    const quiz = config.quiz || { sections: [], questions: [] };
    const secrets = new Map();
    const type = (q) => {
      if (!TYPES[q.type]) throw new Error(`unknown question type ${q.type}`);
      return TYPES[q.type];
    };

    // The sealed answer key, explanation and choice feedback (builder/answerkey.py): {k, e, f}.
    function secret(q) {
      if (!secrets.has(q.id)) {
        let value = {};
        try {
          value = unseal(q.key, keySeed(config.course.id, config.fingerprint, q.id));
        } catch { /* a damaged key: the question is scored wrong rather than breaking the quiz */ }
        secrets.set(q.id, value);
      }
      return secrets.get(q.id);
    }
    const key = (q) => secret(q).k;

    // Which questions an attempt shows, in which order, and the order of each one's options.
    function layout(seedText) {
      const seed = parseInt(seedText, 36) >>> 0;
      const order = [];
      quiz.sections.forEach((section, s) => {
        let picked = section.questions.slice();
        if (section.draw < picked.length || section.shuffle) {
          picked = shuffled(picked, stream(seed, `section/${s}`)).slice(0, section.draw);
          if (!section.shuffle) picked.sort((a, b) => a - b);
        }
        order.push(...picked);
      });
      const options = order.map((qi) => {
        const q = quiz.questions[qi];
        const list = q.choices || q.targets;
        if (!q.shuffle || !list) return list ? list.map((_, i) => i) : null;
        return shuffledKeepingFixed(list, stream(seed, `options/${q.id}`));
      });
      return { seed: seedText, order, options, questions: order.map((qi) => quiz.questions[qi]) };
    }

    // Answers before the learner does anything: null, unless the type says otherwise (sequencing).
    function initialAnswers(plan) {
      const seed = parseInt(plan.seed, 36) >>> 0;
      return plan.questions.map((q) => (type(q).initial ? type(q).initial(q, stream(seed, `items/${q.id}`), key(q)) : null));
    }

    // Credit 0..1 for a scored question (null for a survey item); correct means full credit.
    function credit(q, value) {
      if (type(q).survey) return null;
      if (value === null || value === undefined || key(q) === undefined) return 0;
      return type(q).credit(q, value, key(q));
    }

    // The weighted percentage of an attempt (at most 2 decimals), per-question credit, verdict.
    function evaluate(plan, answers, passMark) {
      let total = 0;
      let earned = 0;
      const credits = plan.questions.map((q, i) => {
        const c = credit(q, answers[i]);
        if (c !== null) {
          total += Number(q.weight);
          earned += Number(q.weight) * c;
        }
        return c;
      });
      const score = total > 0 ? Math.round((earned / total) * 10000) / 100 : 0;
      return { score, credits, correct: credits.map((c) => c === 1), passed: score >= passMark };
    }

    const given = (value) => value !== null && value !== undefined;
    // What the LMS receives for one answer (scorm12-rte.md section 8.1; SCORM 2004: docs/scorm2004.md).
    const response = (q, value) => (given(value) ? type(q).response(q, value) : '');
    const patterns = (q) => (key(q) === undefined ? [] : type(q).patterns(q, key(q)));
    const response2004 = (q, value) => (given(value) ? type(q).response2004(q, value) : '');
    const patterns2004 = (q) => (key(q) === undefined ? [] : type(q).patterns2004(q, key(q)));
    const readable = (q, value) => (given(value) ? type(q).readable(q, value, text) : text('not_answered'));
    function correctText(q) {
      if (type(q).survey || key(q) === undefined) return '';
      const t = type(q);
      return t.correctText ? t.correctText(q, key(q), text) : text('correct_answer', { answer: t.readable(q, key(q), text) });
    }
    // Per-choice feedback for the choices the learner picked.
    function choiceFeedback(q, value) {
      const list = secret(q).f;
      if (!list || !value) return [];
      return ids(value).map((id) => list[CHOICE_IDS.indexOf(id)]).filter(Boolean);
    }
    const explanation = (q) => secret(q).e || '';
    // Whether the answer counts as given: a number must be a number, every source matched.
    const complete = (q, value) => given(value) && (!type(q).complete || type(q).complete(q, value));

    // An attempt's answers as suspend_data, and back (throws if they do not fit).
    const encodeAnswers = (plan, answers) => plan.questions.map((q, i) => type(q).encode(q, answers[i])).join('');
    function decodeAnswers(plan, data) {
      const r = reader(data);
      const answers = plan.questions.map((q) => type(q).decode(q, r));
      if (!r.done()) throw new Error('suspend_data: answers too long');
      return answers;
    }

    return {
      secret, layout, initialAnswers, credit, evaluate, response, patterns, response2004, patterns2004, readable,
      correctText, choiceFeedback, explanation, complete, encodeAnswers, decodeAnswers, bitmap, readBitmap,
    };
  }

  const api = Object.freeze({
    create, TYPES, CHOICE_IDS, BASE64URL, SEED_LENGTH, LIST_2004, newSeed, xorshift, fnv1a, stream, shuffled,
    shuffledKeepingFixed, bitmap, readBitmap, keySeed, seal, unseal, optionText, ids, positional, readCounted, single,
    list,
  });
  global.CoursepackQuiz = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
