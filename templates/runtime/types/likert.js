/*
 * likert (builder/questions/likert.py): a survey item (never scored), one point of its scale; also
 * the course evaluation's items. Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  Quiz.TYPES.likert = {
    ...Quiz.single((q) => q.scale.map((pt) => pt.id)),
    survey: true,
    patterns: () => [],
    patterns2004: () => [],
    credit: () => null,
    readable: (q, v) => Quiz.optionText(q.scale, v),
    view: ({ radios }) => radios((q) => q.scale, (q) => q.scale.map((_, i) => i), 'scale'),
  };
})(globalThis.CoursepackQuiz);
