/*
 * coursepack quiz engine (copied to assets/quiz.js; loaded before the player's scripts).
 *
 * Everything that depends on the question type lives here: drawing an attempt's questions
 * from the pools, shuffling, drawing each type's controls, reading and writing answers,
 * encoding them for suspend_data (docs/architecture.md, section 5) and for SCORM 1.2
 * (scorm12-rte.md section 8.1), and scoring. The player owns the state (player.js), the LMS
 * (tracking.js) and the flow (nav.js, quizview.js).
 * One global: CoursepackQuiz. Classic script, no dependencies.
 */
;(function (global) {
  'use strict';

  const CHOICE_IDS = 'abcdefghijklmnopqrstuvwxyz0123456789';   // choices, matching targets, sequencing items
  const POINT_IDS = '123456789abcdefghijklmnopqrstuvwxyz0';    // matching sources, likert points
  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const SEED_LENGTH = 5;                                       // base 36 (builder/suspend.py)
  const RESPONSE_LIMIT = 255;                                  // CMIString255 (student_response, pattern)

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

  function newSeed() {
    const limit = 36 ** SEED_LENGTH;
    let value = Math.floor(Math.random() * limit);
    try {
      value = global.crypto.getRandomValues(new Uint32Array(1))[0] % limit;
    } catch (e) { /* Math.random is good enough for shuffling */ }
    return value.toString(36).padStart(SEED_LENGTH, '0');
  }

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : value);
    }
    node.append(...children);
    return node;
  }

  // ------------------------------------------------------------------ the engine for one quiz
  function create(config, text) {
    const quiz = config.quiz;
    const questions = quiz.questions;
    const secrets = new Map();

    // The sealed answer key, explanation and choice feedback (builder/answerkey.py): {k, e, f}.
    function secret(q) {
      if (!secrets.has(q.id)) {
        let value = {};
        try {
          const bytes = Uint8Array.from(atob(q.key), (c) => c.charCodeAt(0));
          let x = fnv1a(`${config.course.id}/${config.fingerprint}/${q.id}`) || 1;
          for (let i = 0; i < bytes.length; i++) {
            x = xorshift(x);
            bytes[i] ^= x & 0xff;
          }
          value = JSON.parse(new TextDecoder().decode(bytes));
        } catch (e) { /* a damaged key: the question is scored wrong rather than breaking the quiz */ }
        secrets.set(q.id, value);
      }
      return secrets.get(q.id);
    }

    // ---------------------------------------------------------------- attempt layout
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
        const q = questions[qi];
        const list = q.choices || q.targets;
        if (!q.shuffle || !list) return list ? list.map((_, i) => i) : null;
        return shuffledKeepingFixed(list, stream(seed, `options/${q.id}`));
      });
      return { seed: seedText, order, options, questions: order.map((qi) => questions[qi]) };
    }

    // Answers before the learner does anything: null, except a sequencing question's shuffled list.
    function initialAnswers(plan) {
      const seed = parseInt(plan.seed, 36) >>> 0;
      return plan.questions.map((q) => {
        if (q.type !== 'sequencing') return null;
        const ids = q.items.map((item) => item.id);
        let order = shuffled(ids, stream(seed, `items/${q.id}`));
        if (order.join('') === secret(q).k) order = order.slice(1).concat(order.slice(0, 1));
        return order.join('');
      });
    }

    // ---------------------------------------------------------------- per-type behaviour
    const optionText = (list, id) => { const o = list.find((x) => x.id === id); return o ? o.text : id; };
    const ids = (value) => (value ? value.split('') : []);

    function normalizeText(q, value) {
      let s = String(value).normalize('NFC');
      if (q.whitespace === 'normalize') s = s.trim().replace(/\s+/g, ' ');
      else if (q.whitespace === 'ignore') s = s.replace(/\s+/g, '');
      return q.caseSensitive ? s : s.toLowerCase();
    }

    // A typed number as a plain decimal string ("-3.5"), or null if it is not a number.
    function parseNumber(raw) {
      const m = /^\s*([+-]?)(\d*)(?:[.,](\d*))?\s*$/.exec(String(raw));
      if (!m || (m[2] === '' && !m[3])) return null;
      const whole = m[2].replace(/^0+(?=\d)/, '') || '0';
      const fraction = (m[3] || '').replace(/0+$/, '');
      const value = whole + (fraction ? `.${fraction}` : '');
      return (m[1] === '-' && /[1-9]/.test(value) ? '-' : '') + value;
    }

    // share of items in the right place (matching by source, sequencing by position)
    function positional(value, key, partial) {
      if (!value) return 0;
      let hits = 0;
      for (let i = 0; i < key.length; i++) if (value[i] === key[i]) hits++;
      if (hits === key.length) return 1;
      return partial ? hits / key.length : 0;
    }

    const TYPES = {
      'true-false': {
        response: (q, v) => v,
        patterns: (q, k) => [k],
        credit: (q, v, k) => (v === k ? 1 : 0),
        readable: (q, v) => (v === 't' ? text('true') : text('false')),
      },
      'single-choice': {
        response: (q, v) => v,
        patterns: (q, k) => [k],
        credit: (q, v, k) => (v === k ? 1 : 0),
        readable: (q, v) => optionText(q.choices, v),
      },
      'multiple-response': {
        response: (q, v) => ids(v).join(','),
        patterns: (q, k) => [ids(k).join(',')],
        credit(q, v, k) {
          const chosen = ids(v);
          const right = chosen.filter((id) => k.includes(id)).length;
          const wrong = chosen.length - right;
          if (right === k.length && wrong === 0) return 1;
          return q.partial ? Math.max(0, (right - wrong) / k.length) : 0;
        },
        readable: (q, v) => ids(v).map((id) => optionText(q.choices, id)).join('; '),
      },
      'fill-in': {
        // as typed, without surrounding spaces; one line (runtimes reject line breaks), at most 255
        response: (q, v) => String(v).trim().replace(/[\n\r\u2028\u2029]/g, ' ').slice(0, RESPONSE_LIMIT),
        patterns: (q, k) => k.map((answer) => answer.slice(0, RESPONSE_LIMIT)),
        credit: (q, v, k) => (k.some((answer) => normalizeText(q, answer) === normalizeText(q, v)) ? 1 : 0),
        readable: (q, v) => v,
        correctText: (q, k) => text('accepted_answers', { answer: k.join(' / ') }),
      },
      numeric: {
        response: (q, v) => v,
        patterns: (q, k) => (k[2] === null ? [] : [k[2]]),
        credit: (q, v, k) => (Number(v) >= Number(k[0]) && Number(v) <= Number(k[1]) ? 1 : 0),
        readable: (q, v) => v,
        correctText(q, k) {
          const range = `${k[0]} – ${k[1]}`;
          const answer = k[2] === null ? range : k[0] === k[1] ? k[2] : `${k[2]} (${range})`;
          return text('correct_answer', { answer });
        },
      },
      matching: {
        response: (q, v) => q.sources.map((s, i) => (v && v[i] !== '-' ? `${s.id}.${v[i]}` : null))
          .filter(Boolean).join(','),
        patterns: (q, k) => [q.sources.map((s, i) => `${s.id}.${k[i]}`).join(',')],
        credit: (q, v, k) => positional(v, k, q.partial),
        readable: (q, v) => q.sources.map((s, i) => `${s.text} → ${v && v[i] !== '-' ? optionText(q.targets, v[i])
          : text('no_match')}`).join('; '),
      },
      sequencing: {
        response: (q, v) => ids(v).join(','),
        patterns: (q, k) => [ids(k).join(',')],
        credit: (q, v, k) => positional(v, k, q.partial),
        readable: (q, v) => ids(v).map((id) => optionText(q.items, id)).join(' → '),
      },
      likert: {
        response: (q, v) => v,
        patterns: () => [],
        credit: () => null,
        readable: (q, v) => optionText(q.scale, v),
      },
    };

    const kind = (q) => TYPES[q.type];
    const key = (q) => secret(q).k;

    // ---------------------------------------------------------------- scoring
    // Credit 0..1 for a scored question (null for likert); correct means full credit.
    function credit(q, value) {
      if (q.type === 'likert') return null;
      if (value === null || value === undefined || key(q) === undefined) return 0;
      return kind(q).credit(q, value, key(q));
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

    // What the LMS receives for one answer (scorm12-rte.md section 8.1).
    const response = (q, value) => (value === null || value === undefined ? '' : kind(q).response(q, value));
    const patterns = (q) => (key(q) === undefined ? [] : kind(q).patterns(q, key(q)));
    const readable = (q, value) => (value === null || value === undefined ? text('not_answered') : kind(q).readable(q, value));
    function correctText(q) {
      if (q.type === 'likert' || key(q) === undefined) return '';
      const t = kind(q);
      return t.correctText ? t.correctText(q, key(q)) : text('correct_answer', { answer: t.readable(q, key(q)) });
    }
    // Per-choice feedback for the choices the learner picked.
    function choiceFeedback(q, value) {
      const list = secret(q).f;
      if (!list || !value) return [];
      return ids(value).map((id) => list[CHOICE_IDS.indexOf(id)]).filter(Boolean);
    }
    const explanation = (q) => secret(q).e || '';

    // ---------------------------------------------------------------- suspend_data encoding
    // One answer as characters of the quiz part; every encoding is self-delimiting.
    function encode(q, value) {
      switch (q.type) {
        case 'multiple-response': {
          let out = '';
          for (let i = 0; i < q.choices.length; i += 6) {
            let digit = 0;
            for (let bit = 0; bit < 6 && i + bit < q.choices.length; bit++) {
              if (value && value.includes(q.choices[i + bit].id)) digit |= 1 << bit;
            }
            out += BASE64URL[digit];
          }
          return out;
        }
        case 'matching': return value || '-'.repeat(q.sources.length);
        case 'sequencing': return value;
        case 'fill-in': {
          const s = value || '';
          return s.length.toString(36).padStart(2, '0') + s;
        }
        case 'numeric': return (value || '').length.toString(36) + (value || '');
        default: return value || '-';
      }
    }

    // The answer at position `at` of `data`: [value, next position]; throws if it does not fit q.
    function decode(q, data, at) {
      const take = (n) => {
        if (at + n > data.length) throw new Error('suspend_data: answers too short');
        const s = data.slice(at, at + n);
        at += n;
        return s;
      };
      const oneOf = (c, allowed) => {
        if (c === '-') return null;
        if (!allowed.includes(c)) throw new Error(`suspend_data: '${c}' does not fit ${q.id}`);
        return c;
      };
      switch (q.type) {
        case 'true-false': return [oneOf(take(1), ['t', 'f']), at];
        case 'single-choice': return [oneOf(take(1), q.choices.map((c) => c.id)), at];
        case 'likert': return [oneOf(take(1), q.scale.map((p) => p.id)), at];
        case 'multiple-response': {
          const digits = take(Math.ceil(q.choices.length / 6));
          let chosen = '';
          q.choices.forEach((c, i) => {
            const digit = BASE64URL.indexOf(digits[Math.floor(i / 6)]);
            if (digit < 0) throw new Error('suspend_data: bad bitmap');
            if (digit & (1 << (i % 6))) chosen += c.id;
          });
          if (digits.split('').some((d, j) => BASE64URL.indexOf(d) >> Math.min(6, q.choices.length - j * 6))) {
            throw new Error('suspend_data: bitmap names a choice that does not exist');
          }
          return [chosen || null, at];
        }
        case 'matching': {
          const s = take(q.sources.length);
          s.split('').forEach((c) => oneOf(c, q.targets.map((t) => t.id)));
          return [/[^-]/.test(s) ? s : null, at];
        }
        case 'sequencing': {
          const s = take(q.items.length);
          if (s.split('').sort().join('') !== q.items.map((i) => i.id).sort().join('')) {
            throw new Error('suspend_data: not an order of the items');
          }
          return [s, at];
        }
        case 'fill-in': {
          const n = parseInt(take(2), 36);
          if (!(n >= 0 && n <= q.maxLength)) throw new Error('suspend_data: bad text length');
          const s = take(n);
          return [s.trim() ? s : null, at];
        }
        case 'numeric': {
          const n = parseInt(take(1), 36);
          if (!(n >= 0 && n <= q.maxLength)) throw new Error('suspend_data: bad number length');
          const s = take(n);
          if (s && parseNumber(s) !== s) throw new Error('suspend_data: not a number');
          return [s || null, at];
        }
        default: throw new Error(`unknown question type ${q.type}`);
      }
    }

    const encodeAnswers = (plan, answers) => plan.questions.map((q, i) => encode(q, answers[i])).join('');

    function decodeAnswers(plan, data) {
      let at = 0;
      const answers = plan.questions.map((q) => {
        const [value, next] = decode(q, data, at);
        at = next;
        return value;
      });
      if (at !== data.length) throw new Error('suspend_data: answers too long');
      return answers;
    }

    // ---------------------------------------------------------------- drawing the controls
    let uid = 0;
    const nextId = (prefix) => `${prefix}-${++uid}`;

    function choiceList(entry, list, order, inputType) {
      const box = el('div', { class: 'choices' });
      order.forEach((index) => {
        const option = list[index];
        const input = el('input', { type: inputType, name: entry.name, value: option.id });
        box.append(el('label', { class: 'choice' }, input, el('span', {}, option.text)));
      });
      return box;
    }

    // A sequencing list: items with Move up / Move down buttons (no drag and drop).
    function sequenceList(entry, hooks) {
      const list = el('ol', { class: 'sequence' });
      const q = entry.question;
      entry.sequence = list;
      q.items.forEach((item) => {
        const up = el('button', { type: 'button', class: 'button small', 'data-move': 'up',
          'aria-label': text('move_up_item', { item: item.text }) }, text('move_up'));
        const down = el('button', { type: 'button', class: 'button small', 'data-move': 'down',
          'aria-label': text('move_down_item', { item: item.text }) }, text('move_down'));
        const li = el('li', { class: 'sequence-item', 'data-item': item.id },
          el('span', { class: 'sequence-text' }, item.text), el('span', { class: 'sequence-buttons' }, up, down));
        list.append(li);
      });
      list.addEventListener('click', (event) => {
        const button = event.target.closest('button[data-move]');
        if (!button || button.disabled) return;
        const li = button.closest('li');
        const direction = button.dataset.move;
        const sibling = direction === 'up' ? li.previousElementSibling : li.nextElementSibling;
        if (!sibling) return;
        if (direction === 'up') list.insertBefore(li, sibling);
        else list.insertBefore(sibling, li);
        updateSequenceButtons(entry);
        const again = $(`button[data-move="${direction}"]`, li);
        (again.disabled ? $(`button[data-move="${direction === 'up' ? 'down' : 'up'}"]`, li) : again).focus();
        const items = Array.from(list.children);
        hooks.announce(text('moved_to', { item: optionText(q.items, li.dataset.item),
          position: items.indexOf(li) + 1, total: items.length }));
        hooks.changed(entry.position);
      });
      return list;
    }

    const $ = (selector, root) => root.querySelector(selector);
    const $$ = (selector, root) => Array.from(root.querySelectorAll(selector));

    function updateSequenceButtons(entry) {
      const items = Array.from(entry.sequence.children);
      items.forEach((li, i) => {
        $('button[data-move="up"]', li).disabled = entry.locked || i === 0;
        $('button[data-move="down"]', li).disabled = entry.locked || i === items.length - 1;
      });
    }

    // One question's fieldset; `entry` carries what read/write/lock need later.
    function renderQuestion(q, position, optionOrder, hooks) {
      const entry = { question: q, position, name: `q-${q.id}`, locked: false };
      const fieldset = el('fieldset', { class: `question question-${q.type}`, 'data-question-id': q.id,
        'data-type': q.type });
      fieldset.append(el('legend', {}, q.text));
      entry.fieldset = fieldset;
      // Shown when the learner submits without answering; tied to the group with aria-describedby.
      entry.missing = el('p', { class: 'field-error question-missing', id: nextId('missing'), hidden: true },
        text(hooks.missingText || 'question_unanswered'));
      fieldset.append(entry.missing);
      switch (q.type) {
        case 'true-false':
          fieldset.append(choiceList(entry, [{ id: 't', text: text('true') }, { id: 'f', text: text('false') }], [0, 1], 'radio'));
          break;
        case 'single-choice':
          fieldset.append(choiceList(entry, q.choices, optionOrder, 'radio'));
          break;
        case 'multiple-response':
          fieldset.append(el('p', { class: 'question-hint' }, text('select_all')),
            choiceList(entry, q.choices, optionOrder, 'checkbox'));
          break;
        case 'likert':
          fieldset.append(choiceList(entry, q.scale, q.scale.map((_, i) => i), 'radio'));
          fieldset.lastChild.classList.add('scale');
          break;
        case 'fill-in':
        case 'numeric': {
          const id = nextId('answer');
          const input = el('input', { type: 'text', id, name: entry.name, maxlength: String(q.maxLength),
            autocomplete: 'off', spellcheck: 'false', inputmode: q.type === 'numeric' ? 'decimal' : null });
          const label = el('label', { for: id }, text(q.type === 'numeric' ? 'number_label' : 'your_answer_label'));
          fieldset.append(el('div', { class: 'field' }, label, input));
          if (q.type === 'numeric') {
            const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true }, text('number_invalid'));
            fieldset.append(error);
            entry.error = error;
          }
          entry.input = input;
          input.addEventListener('input', () => hooks.changed(position, { typing: true }));
          break;
        }
        case 'matching': {
          const rows = el('div', { class: 'matches' });
          q.sources.forEach((source, i) => {
            const id = nextId('match');
            const select = el('select', { id, name: `${entry.name}-${source.id}`, 'data-source': source.id },
              el('option', { value: '' }, text('match_placeholder')));
            optionOrder.forEach((t) => select.append(el('option', { value: q.targets[t].id }, q.targets[t].text)));
            rows.append(el('div', { class: 'match-row' }, el('label', { for: id }, source.text), select));
            select.dataset.index = String(i);
          });
          fieldset.append(rows);
          break;
        }
        case 'sequencing':
          fieldset.append(el('p', { class: 'question-hint' }, text('sequence_instructions')), sequenceList(entry, hooks));
          break;
        default:
          break;
      }
      fieldset.addEventListener('change', () => hooks.changed(position));
      if (hooks.checkable && q.type !== 'likert') {   // a survey item has nothing to check
        const button = el('button', { type: 'button', class: 'button', 'data-check': '' }, text('check_answer'));
        button.addEventListener('click', () => hooks.check(position));
        fieldset.append(el('div', { class: 'button-row' }, button));
        entry.checkButton = button;
      }
      const feedback = el('div', { class: 'question-feedback', 'data-question-feedback': '', tabindex: '-1', hidden: true });
      fieldset.append(feedback);
      entry.feedback = feedback;
      return entry;
    }

    // Every question of an attempt, each after its "Question n of m" line.
    function render(plan, container, hooks) {
      const total = plan.questions.length;
      const entries = plan.questions.map((q, i) => renderQuestion(q, i, plan.options[i], hooks));
      container.replaceChildren(...entries.flatMap((entry, i) => [
        el('p', { class: 'question-position' }, text('question_position', { number: i + 1, total })),
        entry.fieldset,
      ]));
      return entries;
    }

    // The answer shown in a question's controls (null when unanswered or not valid).
    function read(entry) {
      const q = entry.question;
      const f = entry.fieldset;
      switch (q.type) {
        case 'multiple-response': {
          const chosen = $$('input:checked', f).map((i) => i.value).sort((a, b) => CHOICE_IDS.indexOf(a) - CHOICE_IDS.indexOf(b));
          return chosen.length ? chosen.join('') : null;
        }
        case 'fill-in': return entry.input.value.trim() ? entry.input.value : null;
        case 'numeric': {
          const raw = entry.input.value;
          const parsed = parseNumber(raw);
          const value = parsed !== null && parsed.length <= q.maxLength ? parsed : null;
          const invalid = raw.trim() !== '' && value === null;
          entry.error.hidden = !invalid;
          if (invalid) {
            entry.input.setAttribute('aria-invalid', 'true');
            entry.input.setAttribute('aria-describedby', entry.error.id);
          } else {
            entry.input.removeAttribute('aria-invalid');
            entry.input.removeAttribute('aria-describedby');
          }
          return value;
        }
        case 'matching': {
          const s = $$('select', f).map((select) => select.value || '-').join('');
          return /[^-]/.test(s) ? s : null;
        }
        case 'sequencing': return Array.from(entry.sequence.children).map((li) => li.dataset.item).join('');
        default: {
          const checked = $('input:checked', f);
          return checked ? checked.value : null;
        }
      }
    }

    function write(entry, value) {
      const q = entry.question;
      const f = entry.fieldset;
      switch (q.type) {
        case 'multiple-response':
          $$('input', f).forEach((input) => { input.checked = Boolean(value) && value.includes(input.value); });
          break;
        case 'fill-in':
        case 'numeric':
          entry.input.value = value || '';
          if (entry.error) entry.error.hidden = true;
          break;
        case 'matching':
          $$('select', f).forEach((select, i) => { select.value = value && value[i] !== '-' ? value[i] : ''; });
          break;
        case 'sequencing':
          ids(value).forEach((id) => entry.sequence.append($(`li[data-item="${id}"]`, entry.sequence)));
          updateSequenceButtons(entry);
          break;
        default:
          $$('input', f).forEach((input) => { input.checked = input.value === value; });
      }
    }

    // Whether the answer counts as given: a number must be a number, every source matched.
    function complete(q, value) {
      if (value === null || value === undefined) return false;
      if (q.type === 'matching') return !value.includes('-');
      return true;
    }

    function lock(entry, locked) {
      entry.locked = locked;
      $$('input, select', entry.fieldset).forEach((input) => { input.disabled = locked; });
      if (entry.sequence) updateSequenceButtons(entry);
      if (entry.checkButton) entry.checkButton.hidden = locked;
    }

    // Mark a question as still unanswered (or not): the message, its link to the group, and
    // aria-invalid on the text boxes and drop-downs (a number that is not one stays invalid).
    function markMissing(entry, missing) {
      entry.fieldset.classList.toggle('is-unanswered', missing);
      entry.missing.hidden = !missing;
      if (missing) entry.fieldset.setAttribute('aria-describedby', entry.missing.id);
      else entry.fieldset.removeAttribute('aria-describedby');
      $$('input[type="text"], select', entry.fieldset).forEach((control) => {
        if (missing) control.setAttribute('aria-invalid', 'true');
        else if (!(entry.error && !entry.error.hidden)) control.removeAttribute('aria-invalid');
      });
    }

    // The first control to focus for a question.
    const firstControl = (entry) => $('input:not([disabled]), select:not([disabled]), button:not([disabled])', entry.fieldset);

    // A likert item of the course evaluation (same controls as a likert question).
    function renderLikert(item, scale, hooks) {
      return renderQuestion({ id: item.id, type: 'likert', text: item.text, scale }, item.position, null, hooks);
    }

    return {
      secret, layout, initialAnswers, evaluate, credit, response, patterns, readable, correctText,
      choiceFeedback, explanation, encodeAnswers, decodeAnswers, render, read, write, complete, lock,
      firstControl, markMissing, renderLikert, newSeed,
    };
  }

  global.CoursepackQuiz = Object.freeze({ create, CHOICE_IDS, POINT_IDS, BASE64URL, SEED_LENGTH, newSeed });
})(window);
