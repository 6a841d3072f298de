/*
 * numeric (builder/questions/numeric.py): a typed number in plain form ("-3.5"), right within the
 * key's range; a text box that marks what is not a number.
 * Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  const RANGE_2004 = '[:]';   // SCORM 2004: between a range's bounds (RTE 4.2.9.1)

  // A typed number as a plain decimal string ("-3.5"), or null if it is not a number.
  function parse(raw) {
    const m = /^\s*([+-]?)(\d*)(?:[.,](\d*))?\s*$/.exec(String(raw));
    if (!m || (m[2] === '' && !m[3])) return null;
    const whole = m[2].replace(/^0+(?=\d)/, '') || '0';
    const fraction = (m[3] || '').replace(/0+$/, '');
    const value = whole + (fraction ? `.${fraction}` : '');
    return (m[1] === '-' && /[1-9]/.test(value) ? '-' : '') + value;
  }

  Quiz.TYPES.numeric = {
    parse,
    response: (q, v) => v,
    patterns: (q, k) => (k[2] === null ? [] : [k[2]]),
    response2004: (q, v) => v,
    patterns2004: (q, k) => [`${k[0]}${RANGE_2004}${k[1]}`],   // every accepted number, an exact one as 25[:]25
    credit: (q, v, k) => (Number(v) >= Number(k[0]) && Number(v) <= Number(k[1]) ? 1 : 0),
    readable: (q, v) => v,
    correctText(q, k, text) {
      const range = `${k[0]} – ${k[1]}`;
      const answer = k[2] === null ? range : k[0] === k[1] ? k[2] : `${k[2]} (${range})`;
      return text('correct_answer', { answer });
    },
    encode: (q, v) => (v || '').length.toString(36) + (v || ''),
    decode(q, r) {
      const s = Quiz.readCounted(r, 1, q.maxLength);
      if (s && parse(s) !== s) throw new Error('suspend_data: not a number');
      return s || null;
    },
    view: ({ text, el, textBox }) => ({
      draw(entry, order, hooks) {
        const id = textBox(entry, hooks, 'number_label', 'decimal');
        entry.error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true }, text('number_invalid'));
        entry.fieldset.append(entry.error);
      },
      // the number in plain form, or null (a text that is not a number is marked invalid)
      read(entry) {
        const raw = entry.input.value;
        const parsed = parse(raw);
        const value = parsed !== null && parsed.length <= entry.question.maxLength ? parsed : null;
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
      },
      write(entry, value) {
        entry.input.value = value || '';
        entry.error.hidden = true;
      },
    }),
  };
})(globalThis.CoursepackQuiz);
