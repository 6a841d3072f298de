/*
 * matching (builder/questions/matching.py): one target id or '-' per source ('b-a'), one drop-down
 * per source. Loaded after quiz.js (also under Node); adds itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  const PAIR_2004 = '[.]';   // SCORM 2004: between a pair's source and target (RTE 4.2.9.1)
  const { LIST_2004 } = Quiz;
  // source.target of each matched source, in the format's separators
  const pairs = (q, v, pair, between) => q.sources.map((s, i) => (v[i] !== '-' ? `${s.id}${pair}${v[i]}` : null))
    .filter(Boolean).join(between);

  Quiz.TYPES.matching = {
    response: (q, v) => pairs(q, v, '.', ','),
    patterns: (q, k) => [pairs(q, k, '.', ',')],
    response2004: (q, v) => pairs(q, v, PAIR_2004, LIST_2004),
    patterns2004: (q, k) => [pairs(q, k, PAIR_2004, LIST_2004)],
    credit: (q, v, k) => Quiz.positional(v, k, q.partial),
    readable: (q, v, text) => q.sources.map((s, i) => `${s.text} → ${v[i] !== '-' ? Quiz.optionText(q.targets, v[i])
      : text('no_match')}`).join('; '),
    encode: (q, v) => v || '-'.repeat(q.sources.length),
    decode(q, r) {
      const targets = q.targets.map((t) => t.id);
      const s = q.sources.map(() => r.oneOf(targets) || '-').join('');
      return /[^-]/.test(s) ? s : null;
    },
    complete: (q, v) => !v.includes('-'),
    // One drop-down per source, labelled by it.
    view: ({ text, el, $$, nextId }) => ({
      draw(entry, order) {
        const q = entry.question;
        const rows = el('div', { class: 'matches' });
        q.sources.forEach((source, i) => {
          const id = nextId('match');
          const select = el('select', { id, name: `${entry.name}-${source.id}`, 'data-source': source.id },
            el('option', { value: '' }, text('match_placeholder')));
          order.forEach((t) => select.append(el('option', { value: q.targets[t].id }, q.targets[t].text)));
          rows.append(el('div', { class: 'match-row' }, el('label', { for: id }, source.text), select));
          select.dataset.index = String(i);
        });
        entry.fieldset.append(rows);
      },
      read(entry) {
        const s = $$('select', entry.fieldset).map((select) => select.value || '-').join('');
        return /[^-]/.test(s) ? s : null;
      },
      write(entry, value) {
        $$('select', entry.fieldset).forEach((select, i) => { select.value = value && value[i] !== '-' ? value[i] : ''; });
      },
    }),
  };
})(globalThis.CoursepackQuiz);
