/*
 * coursepack preview: the layout of the page around the course. The course frame gets the width a
 * learner has: the whole width left by the inspector, or exactly a phone's, a tablet's or a
 * desktop's. The inspector sits beside or below the course, resizes with its separator (pointer,
 * or arrow keys when focused) and collapses to a bar under the course. What the author chose is
 * kept in localStorage; what they did not choose follows the window. Touches nothing else.
 */
;(function () {
  'use strict';

  const KEY = 'coursepack-preview:layout';
  const WIDTHS = ['full', '375', '768', '1280'];   // the values of the course-width selector
  const DESKTOP = 800;                  // the player's wide layout starts at 50em
  const COURSE_MIN = { beside: 320, below: 160 };  // what the course keeps when the inspector grows
  const INSPECTOR_MIN = { beside: 260, below: 120 };
  const INSPECTOR_WIDE = 420;           // the default width beside a course that has its desktop width
  const PHONE = 640;                    // a narrower window starts with the inspector collapsed
  const STEP = 16;                      // px per arrow key (four times as much with Shift)
  const SEPARATOR = 8;                  // its thickness in px, as in preview.css

  const $ = (selector) => document.querySelector(selector);
  const split = $('[data-split]');
  const splitter = $('[data-splitter]');
  const inspector = $('[data-inspector]');
  const body = $('[data-inspector-body]');
  const toggle = $('[data-inspector-toggle]');
  const dockButtons = Array.from(document.querySelectorAll('[data-dock]'));
  const frame = $('[data-course-frame]');
  const widthSelect = $('[data-frame-width]');
  const frameSize = $('[data-frame-size]');

  // Only the author's choices are stored: {dock, collapsed, width, size: {beside, below}}.
  let chosen = {};
  try { chosen = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { chosen = {}; }
  function choose(name, value) {
    chosen[name] = value;
    try { localStorage.setItem(KEY, JSON.stringify(chosen)); } catch (e) { /* storage full or disabled */ }
    apply();
  }

  const area = () => split.getBoundingClientRect();
  const fitsBeside = () => area().width >= COURSE_MIN.beside + INSPECTOR_MIN.beside + SEPARATOR;

  // Beside when chosen (or, unchosen, when the course keeps its desktop width) and the window allows it.
  function dock() {
    const wanted = chosen.dock || (area().width >= DESKTOP + INSPECTOR_MIN.beside + SEPARATOR ? 'beside' : 'below');
    return wanted === 'beside' && fitsBeside() ? 'beside' : 'below';
  }

  const collapsed = () => (typeof chosen.collapsed === 'boolean' ? chosen.collapsed : area().width < PHONE);

  // The inspector's size (its width beside, its height below), within what leaves the course its minimum.
  function bounds(where) {
    const room = (where === 'beside' ? area().width : area().height) - COURSE_MIN[where] - SEPARATOR;
    const min = Math.max(0, Math.min(INSPECTOR_MIN[where], room));
    return { min, max: Math.max(min, room) };
  }

  function size(where) {
    const fallback = where === 'beside' ? Math.min(INSPECTOR_WIDE, area().width - DESKTOP - SEPARATOR)
      : area().height * 0.4;
    const wanted = chosen.size && chosen.size[where] ? chosen.size[where] : fallback;
    const { min, max } = bounds(where);
    return Math.round(Math.min(max, Math.max(min, wanted)));
  }

  function resize(where, value) {
    const { min, max } = bounds(where);
    choose('size', { ...chosen.size, [where]: Math.round(Math.min(max, Math.max(min, value))) });
  }

  function apply() {
    const where = dock();
    const closed = collapsed();
    split.dataset.dock = closed ? 'below' : where;        // collapsed, it is a bar under the course
    split.classList.toggle('is-collapsed', closed);
    body.hidden = closed;
    splitter.hidden = closed;
    toggle.setAttribute('aria-expanded', String(!closed));
    dockButtons.forEach((button) => {
      button.setAttribute('aria-pressed', String(button.dataset.dock === where));
      button.disabled = button.dataset.dock === 'beside' && !fitsBeside();
    });
    if (closed) {
      inspector.style.flexBasis = '';
    } else {
      const { min, max } = bounds(where);
      const now = size(where);
      inspector.style.flexBasis = `${now}px`;
      splitter.setAttribute('aria-orientation', where === 'beside' ? 'vertical' : 'horizontal');
      splitter.setAttribute('aria-valuemin', String(min));
      splitter.setAttribute('aria-valuemax', String(max));
      splitter.setAttribute('aria-valuenow', String(now));
      splitter.setAttribute('aria-valuetext', `${now} px ${where === 'beside' ? 'wide' : 'high'}`);
    }
    const width = WIDTHS.includes(chosen.width) ? chosen.width : 'full';
    widthSelect.value = width;
    split.classList.toggle('is-fixed-width', width !== 'full');
    frame.style.width = width === 'full' ? '' : `${width}px`;
  }

  // ------------------------------------------------------------------ controls
  toggle.addEventListener('click', () => choose('collapsed', !collapsed()));
  dockButtons.forEach((button) => button.addEventListener('click', () => choose('dock', button.dataset.dock)));
  widthSelect.addEventListener('change', () => choose('width', widthSelect.value));

  // The window splitter pattern: arrows move the separator, Home/End to the ends, Enter collapses.
  splitter.addEventListener('keydown', (event) => {
    const where = dock();
    const step = event.shiftKey ? STEP * 4 : STEP;
    const grow = where === 'beside' ? { ArrowLeft: step, ArrowRight: -step } : { ArrowUp: step, ArrowDown: -step };
    const { min, max } = bounds(where);
    if (event.key in grow) resize(where, size(where) + grow[event.key]);
    else if (event.key === 'Home') resize(where, min);
    else if (event.key === 'End') resize(where, max);
    else if (event.key === 'Enter') {
      choose('collapsed', true);
      toggle.focus();
    } else return;
    event.preventDefault();
  });

  // Dragging: the separator keeps the pointer (even over the course frame) until it is released.
  splitter.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const where = dock();
    const box = area();
    const half = SEPARATOR / 2;
    const move = (e) => resize(where, where === 'beside' ? box.right - e.clientX - half : box.bottom - e.clientY - half);
    const end = () => {
      splitter.removeEventListener('pointermove', move);
      splitter.removeEventListener('pointerup', end);
      splitter.removeEventListener('pointercancel', end);
      split.classList.remove('is-resizing');
    };
    splitter.setPointerCapture(event.pointerId);
    split.classList.add('is-resizing');
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', end);
    splitter.addEventListener('pointercancel', end);
  });

  window.addEventListener('resize', apply);
  new ResizeObserver(() => {
    frameSize.textContent = `${Math.round(frame.clientWidth)} × ${Math.round(frame.clientHeight)} px`;
  }).observe(frame);
  apply();
})();
