/*
 * single-choice (builder/questions/single_choice.py): one choice's id, one radio button per choice.
 * Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  Quiz.TYPES['single-choice'] = {
    ...Quiz.single((q) => q.choices.map((c) => c.id)),
    readable: (q, v) => Quiz.optionText(q.choices, v),
    view: ({ radios }) => radios((q) => q.choices, (q, order) => order),
  };
})(globalThis.CoursepackQuiz);
