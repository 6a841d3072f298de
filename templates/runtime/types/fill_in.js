/*
 * fill-in (builder/questions/fill_in.py): a typed text, right when it matches an accepted answer
 * after the question's case and white-space rules; a text box.
 * Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  const RESPONSE_LIMIT = 255;   // CMIString255 (SCORM 1.2 student_response, pattern)
  const STRING_2004 = 250;      // SCORM 2004: the most characters of one response or pattern string

  function normalizeText(q, value) {
    let s = String(value).normalize('NFC');
    if (q.whitespace === 'normalize') s = s.trim().replace(/\s+/g, ' ');
    else if (q.whitespace === 'ignore') s = s.replace(/\s+/g, '');
    return q.caseSensitive ? s : s.toLowerCase();
  }

  // A typed text as one string of a response: trimmed, each line break a space, at most `limit` long.
  const oneLine = (v, limit) => String(v).trim().replace(/[\n\r\u2028\u2029]/g, ' ').slice(0, limit);

  Quiz.TYPES['fill-in'] = {
    // as typed, without surrounding spaces; one line (runtimes reject line breaks), at most 255
    response: (q, v) => oneLine(v, RESPONSE_LIMIT),
    patterns: (q, k) => k.map((answer) => answer.slice(0, RESPONSE_LIMIT)),
    // at most 250; a leading '{' would read as a {lang=...} delimiter (Moodle and scorm-again refuse it)
    response2004(q, v) {
      const s = oneLine(v, STRING_2004);
      return s.startsWith('{') ? ` ${s.slice(0, STRING_2004 - 1)}` : s;
    },
    // one per accepted answer, after the question's case rule
    patterns2004(q, k) {
      const rule = `{case_matters=${Boolean(q.caseSensitive)}}`;
      return k.map((answer) => rule + oneLine(answer, STRING_2004));
    },
    credit: (q, v, k) => (k.some((answer) => normalizeText(q, answer) === normalizeText(q, v)) ? 1 : 0),
    readable: (q, v) => v,
    correctText: (q, k, text) => text('accepted_answers', { answer: k.join(' / ') }),
    encode: (q, v) => (v || '').length.toString(36).padStart(2, '0') + (v || ''),
    decode(q, r) {
      const s = Quiz.readCounted(r, 2, q.maxLength);
      return s.trim() ? s : null;
    },
    view: ({ textBox }) => ({
      draw: (entry, order, hooks) => textBox(entry, hooks, 'your_answer_label'),
      read(entry) {
        const raw = entry.input.value;
        return raw.trim() ? raw : null;
      },
      write(entry, value) {
        entry.input.value = value || '';
      },
    }),
  };
})(globalThis.CoursepackQuiz);
