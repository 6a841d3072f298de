/*
 * multiple-response (builder/questions/multiple_response.py): the picked choices' ids in written
 * order ('ac'), one checkbox per choice; suspend_data holds them as a bitmap.
 * Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  const { ids } = Quiz;

  Quiz.TYPES['multiple-response'] = {
    ...Quiz.list,
    credit(q, v, k) {
      const chosen = ids(v);
      const right = chosen.filter((id) => k.includes(id)).length;
      const wrong = chosen.length - right;
      if (right === k.length && wrong === 0) return 1;
      return q.partial ? Math.max(0, (right - wrong) / k.length) : 0;
    },
    readable: (q, v) => ids(v).map((id) => Quiz.optionText(q.choices, id)).join('; '),
    encode: (q, v) => Quiz.bitmap(q.choices.map((c) => Boolean(v) && v.includes(c.id))),
    decode(q, r) {
      const flags = Quiz.readBitmap(r.take(Math.ceil(q.choices.length / 6)), q.choices.length, true);
      if (!flags) throw new Error('suspend_data: bad bitmap');
      return q.choices.filter((_, i) => flags[i]).map((c) => c.id).join('') || null;
    },
    view: ({ text, el, $$, choiceList }) => ({
      draw(entry, order) {
        entry.fieldset.append(el('p', { class: 'question-hint' }, text('select_all')),
          choiceList(entry, entry.question.choices, order, 'checkbox'));
      },
      read(entry) {
        const chosen = $$('input:checked', entry.fieldset).map((i) => i.value)
          .sort((a, b) => Quiz.CHOICE_IDS.indexOf(a) - Quiz.CHOICE_IDS.indexOf(b));
        return chosen.length ? chosen.join('') : null;
      },
      write(entry, value) {
        $$('input', entry.fieldset).forEach((input) => { input.checked = Boolean(value) && value.includes(input.value); });
      },
    }),
  };
})(globalThis.CoursepackQuiz);
