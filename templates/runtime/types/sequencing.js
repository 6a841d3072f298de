/*
 * sequencing (builder/questions/sequencing.py): every item's id in the order shown, a list with
 * Move up / Move down buttons (no drag and drop). Loaded after quiz.js (also under Node); adds
 * itself to CoursepackQuiz.TYPES.
 */
;(function (Quiz) {
  'use strict';

  const { ids } = Quiz;

  Quiz.TYPES.sequencing = {
    ...Quiz.list,
    credit: (q, v, k) => Quiz.positional(v, k, q.partial),
    readable: (q, v) => ids(v).map((id) => Quiz.optionText(q.items, id)).join(' → '),
    encode: (q, v) => v,
    decode(q, r) {
      const s = r.take(q.items.length);
      if (ids(s).sort().join('') !== q.items.map((i) => i.id).sort().join('')) {
        throw new Error('suspend_data: not an order of the items');
      }
      return s;
    },
    // the items shuffled, never in the correct order
    initial(q, next, k) {
      let order = Quiz.shuffled(q.items.map((item) => item.id), next);
      if (order.join('') === k) order = order.slice(1).concat(order.slice(0, 1));
      return order.join('');
    },
    view({ text, el, $ }) {
      function updateButtons(entry) {
        const items = Array.from(entry.sequence.children);
        items.forEach((li, i) => {
          $('button[data-move="up"]', li).disabled = entry.locked || i === 0;
          $('button[data-move="down"]', li).disabled = entry.locked || i === items.length - 1;
        });
      }
      return {
        draw(entry, order, hooks) {
          const q = entry.question;
          const list = el('ol', { class: 'sequence' });
          entry.sequence = list;
          q.items.forEach((item) => {
            // An arrow shows; the accessible name says which item moves where.
            const up = el('button', { type: 'button', class: 'button small', 'data-move': 'up',
              'aria-label': text('move_up_item', { item: item.text }) }, el('span', { 'aria-hidden': 'true' }, '\u2191'));
            const down = el('button', { type: 'button', class: 'button small', 'data-move': 'down',
              'aria-label': text('move_down_item', { item: item.text }) }, el('span', { 'aria-hidden': 'true' }, '\u2193'));
            list.append(el('li', { class: 'sequence-item', 'data-item': item.id },
              el('span', { class: 'sequence-text' }, item.text), el('span', { class: 'sequence-buttons' }, up, down)));
          });
          // the focus stays on the moved item
          list.addEventListener('click', (event) => {
            const button = event.target.closest('button[data-move]');
            if (!button || button.disabled) return;
            const li = button.closest('li');
            const direction = button.dataset.move;
            const sibling = direction === 'up' ? li.previousElementSibling : li.nextElementSibling;
            if (!sibling) return;
            if (direction === 'up') list.insertBefore(li, sibling);
            else list.insertBefore(sibling, li);
            updateButtons(entry);
            const again = $(`button[data-move="${direction}"]`, li);
            (again.disabled ? $(`button[data-move="${direction === 'up' ? 'down' : 'up'}"]`, li) : again).focus();
            const items = Array.from(list.children);
            const moved = q.items.find((item) => item.id === li.dataset.item);
            hooks.announce(text('moved_to', { item: moved.text, position: items.indexOf(li) + 1, total: items.length }));
            hooks.changed(entry.position);
          });
          entry.fieldset.append(el('p', { class: 'question-hint' }, text('sequence_instructions')), list);
        },
        read: (entry) => Array.from(entry.sequence.children).map((li) => li.dataset.item).join(''),
        write(entry, value) {
          ids(value).forEach((id) => entry.sequence.append($(`li[data-item="${id}"]`, entry.sequence)));
          updateButtons(entry);
        },
        lock: updateButtons,
      };
    },
  };
})(globalThis.CoursepackQuiz);
