/*
 * true-false (builder/questions/true_false.py): the answer 't' or 'f', two radio buttons.
 * Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  const WORDS = { t: 'true', f: 'false' };   // SCORM 2004 reports the words

  Quiz.TYPES['true-false'] = {
    ...Quiz.single(() => ['t', 'f']),
    response2004: (q, v) => WORDS[v],
    patterns2004: (q, k) => [WORDS[k]],
    readable: (q, v, text) => (v === 't' ? text('true') : text('false')),
    view: ({ radios, text }) => radios(() => [{ id: 't', text: text('true') }, { id: 'f', text: text('false') }], () => [0, 1]),
  };
})(globalThis.CoursepackQuiz);
