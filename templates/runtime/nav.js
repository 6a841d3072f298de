/*
 * coursepack player, navigation (copied to assets/nav.js; loaded before assets/player.js).
 *
 * Shows one view at a time (a lesson or the quiz) and owns the ways there: the start page (Start,
 * or the resume prompt's two buttons), the table of contents and its toggle, Previous/Next, links
 * between lessons. It marks the current and visited entries, draws the progress bar and moves the
 * focus to the heading of each view shown. Showing a view marks it visited and hands the rest to
 * tracking.js.
 * Registers CoursepackPlayer.nav (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  // p: what the parts share; hooks (player.js): leaving(), quizShown(), rendered(), overlayOpen()
  // (the certificate is open), shown() (a view was shown and recorded).
  function create(p, { tracking, hooks }) {
    const { lessons, views, QUIZ_VIEW, viewIndex, viewVisited, progress, ui, state, text, emit, $ } = p;

    // Show view `index` (a lesson or the quiz), record it, and move the focus to its heading.
    function go(index, { focus = true } = {}) {
      if (index < 0 || index >= views.length) return;
      hooks.leaving();
      ui.start.hidden = true;
      ui.pager.hidden = false;
      state.current = index;
      views.forEach((view, i) => { view.el.hidden = i !== index; });
      if (index === QUIZ_VIEW) {
        hooks.quizShown();
      } else {
        state.visited[index] = true;
        if (tracking.updateStatus()) tracking.writeExit();
      }
      render();
      tracking.saveProgress();
      emit('view', { key: views[index].key, lessonId: index === QUIZ_VIEW ? null : lessons[index].id });
      tracking.commit();
      if (focus) {
        window.scrollTo(0, 0);
        $('h2', views[index].el).focus({ preventScroll: true });
      }
      hooks.shown();
    }

    // The contents (current and visited entries), Previous/Next, the progress bar, then hooks.rendered().
    function render() {
      ui.tocButtons.forEach((button) => {
        const i = viewIndex(button.dataset.goto);
        if (i === state.current && !hooks.overlayOpen()) button.setAttribute('aria-current', 'page');
        else button.removeAttribute('aria-current');
        const seen = i >= 0 && viewVisited(i);
        button.classList.toggle('is-visited', seen);
        if (seen) button.setAttribute('aria-describedby', 'toc-visited');
        else button.removeAttribute('aria-describedby');
      });
      ui.prev.disabled = state.current <= 0;
      ui.next.disabled = state.current < 0 || state.current >= views.length - 1;
      const percent = Math.round(progress() * 100);
      const label = text('progress_value', { percent });
      ui.progress.setAttribute('aria-valuenow', String(percent));
      ui.progress.setAttribute('aria-valuetext', label);
      ui.progressFill.style.width = `${percent}%`;
      ui.progressText.textContent = label;
      hooks.rendered();
    }

    // The start page, before any view: Start, or (resume >= 0) the resume prompt: continue at
    // view `resume` or start from the beginning. Nothing is recorded until the learner chooses.
    function showStart(resume = -1) {
      views.forEach((view) => { view.el.hidden = true; });
      ui.pager.hidden = true;
      state.current = -1;
      const prompt = resume >= 0;
      ui.resume.hidden = !prompt;
      ui.startNew.hidden = prompt;
      if (prompt) {
        $('[data-resume-where]', ui.resume).textContent = text('resume_location', { title: views[resume].title });
        $('[data-resume-continue]', ui.resume).onclick = () => go(resume);
        $('[data-resume-restart]', ui.resume).onclick = () => go(0);
      }
      ui.start.hidden = false;
      render();
    }

    function closeToc() {
      ui.toc.classList.remove('is-open');
      ui.tocToggle.setAttribute('aria-expanded', 'false');
    }

    // The contents, its toggle, links between lessons and the pager (once, at start).
    function bind() {
      ui.tocButtons.forEach((button) => {
        button.addEventListener('click', () => {
          closeToc();
          go(viewIndex(button.dataset.goto));
        });
      });
      ui.tocToggle.addEventListener('click', () => {
        const open = !ui.toc.classList.contains('is-open');
        ui.toc.classList.toggle('is-open', open);
        ui.tocToggle.setAttribute('aria-expanded', String(open));
      });
      // Links between lessons: the builder turns them into <a href="#lesson-<id>" data-goto-lesson>.
      document.addEventListener('click', (event) => {
        const link = event.target.closest('[data-goto-lesson]');
        const target = link ? viewIndex(`lesson:${link.dataset.gotoLesson}`) : -1;
        if (target < 0) return;
        event.preventDefault();
        go(target);
      });
      $('[data-start-course]', ui.start).addEventListener('click', () => go(0));
      ui.prev.addEventListener('click', () => go(state.current - 1));
      ui.next.addEventListener('click', () => go(state.current + 1));
    }

    return { go, render, showStart, closeToc, bind };
  }

  const parts = global.CoursepackPlayer || (global.CoursepackPlayer = {});
  parts.nav = Object.freeze({ create });
})(window);
