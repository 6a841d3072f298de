/*
 * coursepack player, quiz view (copied to assets/quizview.js; loaded before assets/player.js).
 *
 * Owns what happens inside the quiz view: the question controls (each type's own renderer is in
 * types/<type>.js), drawing the current attempt (all at once, or one question at a time with a review
 * list before scoring), answers as they change, "Check answer", scoring, the results with their
 * next action and per-question feedback, retakes, the announcements of [data-quiz-live], and the
 * course evaluation under the results. What is recorded, and whether the quiz may still be
 * answered, is tracking.js's; player.js hears of a new state through hooks.changed.
 * Registers CoursepackPlayer.quizview (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  // ------------------------------------------------------------------ the question controls
  // Each type's renderer is its definition's view(kit) (types/<type>.js; docs/architecture.md,
  // section 6): draw(entry, option order, hooks) fills entry.fieldset; read(entry): the answer, in
  // quiz.js's terms ('t', 'ac', 'b-a'), or null; write(entry, value); lock(entry), if it has more to lock.
  function createControls({ text, el, $, $$ }) {
    const Quiz = global.CoursepackQuiz;
    let uid = 0;
    const nextId = (prefix) => `${prefix}-${++uid}`;

    // ---------------------------------------------------------------- what the renderers share
    function choiceList(entry, list, order, inputType) {
      const box = el('div', { class: 'choices' });
      order.forEach((index) => {
        const option = list[index];
        const input = el('input', { type: inputType, name: entry.name, value: option.id });
        box.append(el('label', { class: 'choice' }, input, el('span', {}, option.text)));
      });
      return box;
    }

    // One radio button per option (true-false, single-choice, likert).
    const radios = (options, order, className) => ({
      draw(entry, layoutOrder) {
        const q = entry.question;
        const box = choiceList(entry, options(q), order(q, layoutOrder), 'radio');
        if (className) box.classList.add(className);
        entry.fieldset.append(box);
      },
      read(entry) {
        const checked = $('input:checked', entry.fieldset);
        return checked ? checked.value : null;
      },
      write(entry, value) {
        $$('input', entry.fieldset).forEach((input) => { input.checked = input.value === value; });
      },
    });

    // A labelled text box (fill-in, numeric) as entry.input; typing is an answer changing. Returns its id.
    function textBox(entry, hooks, label, inputmode = null) {
      const id = nextId('answer');
      const input = el('input', { type: 'text', id, name: entry.name, maxlength: String(entry.question.maxLength),
        autocomplete: 'off', spellcheck: 'false', inputmode });
      entry.fieldset.append(el('div', { class: 'field' }, el('label', { for: id }, text(label)), input));
      entry.input = input;
      input.addEventListener('input', () => hooks.changed(entry.position, { typing: true }));
      return id;
    }

    const kit = { text, el, $, $$, nextId, choiceList, radios, textBox };
    const views = {};
    const renderer = (entry) => {
      const type = entry.question.type;
      return views[type] || (views[type] = Quiz.TYPES[type].view(kit));
    };

    // ---------------------------------------------------------------- one question
    // hooks: changed(position, {typing}), check(position), announce(message), checkable, missingText.
    function renderQuestion(q, position, optionOrder, hooks) {
      const entry = { question: q, position, name: `q-${q.id}`, locked: false };
      const fieldset = el('fieldset', { class: `question question-${q.type}`, 'data-question-id': q.id,
        'data-type': q.type });
      fieldset.append(el('legend', {}, q.text));
      entry.fieldset = fieldset;
      // Shown when the learner submits without answering; tied to the group with aria-describedby.
      entry.missing = el('p', { class: 'field-error question-missing', id: nextId('missing'), hidden: true },
        text(hooks.missingText || 'question_unanswered'));
      fieldset.append(entry.missing);
      renderer(entry).draw(entry, optionOrder, hooks);
      fieldset.addEventListener('change', () => hooks.changed(position));
      if (hooks.checkable && !Quiz.TYPES[q.type].survey) {   // a survey item has nothing to check
        const button = el('button', { type: 'button', class: 'button', 'data-check': '' }, text('check_answer'));
        button.addEventListener('click', () => hooks.check(position));
        fieldset.append(el('div', { class: 'button-row' }, button));
        entry.checkButton = button;
      }
      entry.feedback = el('div', { class: 'question-feedback', 'data-question-feedback': '', tabindex: '-1', hidden: true });
      fieldset.append(entry.feedback);
      return entry;
    }

    // An attempt's questions, each on its page after its "Question n of m" heading.
    function render(plan, container, hooks) {
      const total = plan.questions.length;
      const entries = plan.questions.map((q, i) => renderQuestion(q, i, plan.options[i], hooks));
      entries.forEach((entry, i) => {
        entry.heading = el('h3', { class: 'question-position', tabindex: '-1' },
          text('question_position', { number: i + 1, total }));
        entry.page = el('div', { class: 'question-page' }, entry.heading, entry.fieldset);
      });
      container.replaceChildren(...entries.map((entry) => entry.page));
      return entries;
    }

    // An item of the course evaluation: a likert question.
    const renderLikert = (item, scale, hooks) => renderQuestion({ id: item.id, type: 'likert', text: item.text, scale },
      item.position, null, hooks);

    const read = (entry) => renderer(entry).read(entry);
    const write = (entry, value) => renderer(entry).write(entry, value);

    function lock(entry, locked) {
      entry.locked = locked;
      $$('input, select', entry.fieldset).forEach((input) => { input.disabled = locked; });
      const more = renderer(entry).lock;
      if (more) more(entry);
      if (entry.checkButton) entry.checkButton.hidden = locked;
    }

    // Mark a question as still unanswered (or not): the message, its link to the group, and
    // aria-invalid on the text boxes and drop-downs (a number that is not one stays invalid).
    function markMissing(entry, missing) {
      entry.fieldset.classList.toggle('is-unanswered', missing);
      entry.missing.hidden = !missing;
      if (missing) entry.fieldset.setAttribute('aria-describedby', entry.missing.id);
      else entry.fieldset.removeAttribute('aria-describedby');
      $$('input[type="text"], select', entry.fieldset).forEach((control) => {
        if (missing) control.setAttribute('aria-invalid', 'true');
        else if (!(entry.error && !entry.error.hidden)) control.removeAttribute('aria-invalid');
      });
    }

    // The first control to focus for a question.
    const firstControl = (entry) => $('input:not([disabled]), select:not([disabled]), button:not([disabled])', entry.fieldset);

    return { render, renderLikert, read, write, lock, markMissing, firstControl };
  }

  // ------------------------------------------------------------------ the view
  // p: what the parts share; hooks (player.js): changed() after a scoring or an evaluation,
  // certificateReady() (whether the learner can open the certificate now).
  function create(p, { tracking, hooks }) {
    const { config, quiz, evaluation, engine, state, views, QUIZ_VIEW, ui, text, el, emit, notice, formatNumber, $ } = p;
    const { quizEditable, attemptsLeft, quizOutcome, evaluate } = tracking;
    const controls = createControls(p);

    let entries = [];                  // the current attempt's questions as drawn (controls' entries)
    let evaluationEntries = [];        // the evaluation's likert items
    let answeredAt = [];               // Date of each answer, this attempt
    let attemptShownAt = null;         // Date the attempt was first shown
    const evaluationAnsweredAt = [];   // Date of each evaluation answer
    let evaluationShownAt = null;
    let commentBox = null;
    // One question at a time: the question shown (entries.length = the review list). Kept in
    // memory only: a resumed attempt opens on its first unanswered question.
    let step = 0;

    // ---------------------------------------------------------------- quiz
    const canRetake = () => quizEditable() && quizOutcome() === 'failed' && attemptsLeft() > 0;
    // The quiz is over once it is passed or every attempt is used; then the evaluation opens.
    const quizOver = () => {
      const outcome = quizOutcome();
      return outcome === 'passed' || (outcome === 'failed' && attemptsLeft() === 0);
    };
    const revealAllowed = (passed) => quiz.reveal === 'always' || (quiz.reveal === 'after-passing' && passed);
    const creditClass = (c) => (c === null ? 'is-neutral' : c === 1 ? 'is-correct' : c > 0 ? 'is-partial' : 'is-wrong');
    const creditLabel = (c) => (c === null ? 'recorded' : c === 1 ? 'correct' : c > 0 ? 'partly_correct' : 'incorrect');
    const answered = (i) => engine.complete(entries[i].question, state.quiz.answers[i]);
    const quizHooks = {
      checkable: Boolean(quiz) && quiz.feedback === 'after-question',
      changed: (i, options) => onAnswer(i, options),
      check: (i) => checkQuestion(i),
      announce: (message) => { ui.live.textContent = message; },
    };
    const steps = quiz ? {
      prev: $('[data-question-prev]', ui.form),
      next: $('[data-question-next]', ui.form),
      score: $('[data-score]', ui.form),
      review: $('[data-quiz-review]', ui.form),
      list: $('[data-review-list]', ui.form),
      progress: $('[data-quiz-progress]', ui.form),
    } : {};
    // One question at a time while an attempt is answered (a template without the hooks: all at once).
    const paged = () => quiz.display === 'one-at-a-time' && Boolean(steps.next && steps.review && steps.list)
      && quizEditable() && state.quiz.phase !== 's';
    const REVIEW = () => entries.length;

    // The quiz view is shown (nav.js): the attempt is in progress, its latencies count from now.
    function opened() {
      if (quizEditable() && state.quiz.phase === 'n') state.quiz.phase = 'p';
      if (!attemptShownAt) attemptShownAt = new Date();
    }

    // Draw the current attempt's questions and show its answers (start, resume, retake).
    function renderAttempt() {
      entries = controls.render(state.quiz.plan, ui.questions, quizHooks);
      entries.forEach((entry, i) => controls.write(entry, state.quiz.answers[i]));
      const open = entries.findIndex((_, i) => !answered(i) && !state.quiz.checked[i]);
      step = open < 0 ? REVIEW() : open;
    }

    // ---------------------------------------------------------------- one question at a time
    // Show the question (or the review list) of `step`, the step buttons and the progress.
    function renderSteps() {
      const on = paged();
      const last = REVIEW();
      entries.forEach((entry, i) => { entry.page.hidden = on && i !== step; });
      if (steps.review) steps.review.hidden = !on || step !== last;
      if (steps.prev) steps.prev.hidden = !on || step === 0;
      if (steps.next) {
        steps.next.hidden = !on || step === last;
        steps.next.textContent = text(step === last - 1 ? 'review_answers' : 'question_next');
      }
      steps.score.hidden = !quizEditable() || (on && step !== last);
      if (steps.progress) steps.progress.hidden = !on;
      if (on) renderProgress();
    }

    // "n of m answered", its bar, and the review list's entries.
    function renderProgress() {
      const done = entries.filter((_, i) => answered(i)).length;
      const fill = $('[data-quiz-progress-fill]', steps.progress);
      $('[data-quiz-progress-text]', steps.progress).textContent = text('quiz_answered', { n: done, total: entries.length });
      if (fill) fill.style.width = `${entries.length ? Math.round((100 * done) / entries.length) : 0}%`;
      if (step !== REVIEW()) return;
      steps.list.replaceChildren(...entries.map((entry, i) => {
        const ok = answered(i);
        const button = el('button', { type: 'button', class: 'review-item' },
          el('span', { class: 'review-number' }, el('span', { class: 'visually-hidden' }, `${text('review_question')} `),
            String(i + 1)),
          el('span', { class: 'review-text' }, entry.question.text),
          el('span', { class: ok ? 'review-state is-answered' : 'review-state is-missing' },
            text(ok ? 'review_answered' : 'review_unanswered')));
        button.addEventListener('click', () => goStep(i));
        return el('li', {}, button);
      }));
    }

    // Show step i and move the focus to its heading.
    function goStep(i) {
      step = Math.max(0, Math.min(REVIEW(), i));
      renderSteps();
      const heading = step === REVIEW() ? $('h3', steps.review) : entries[step].heading;
      heading.focus({ preventScroll: true });
      if (heading.getBoundingClientRect().top < 0) heading.scrollIntoView();
    }

    // ---------------------------------------------------------------- feedback and results
    // Feedback on one answer: the verdict, the answer, the right one (when revealed), what the
    // chosen choices say, and the explanation (withheld with a wrong answer the rules keep hidden).
    function feedbackNodes(question, value, credit, passed) {
      const reveal = revealAllowed(passed);
      const nodes = [el('p', { class: 'feedback-result' }, text(creditLabel(credit))),
        el('p', {}, text('your_answer', { answer: engine.readable(question, value) }))];
      if (credit !== null && credit < 1 && reveal) nodes.push(el('p', { class: 'feedback-correct' }, engine.correctText(question)));
      engine.choiceFeedback(question, value).forEach((message) => nodes.push(el('p', { class: 'feedback-choice' }, message)));
      const explanation = engine.explanation(question);
      if (explanation && (credit === null || credit === 1 || reveal)) {
        nodes.push(el('p', { class: 'feedback-explanation' }, explanation));
      }
      return nodes;
    }

    function showCheckedFeedback(i) {
      const entry = entries[i];
      const value = state.quiz.answers[i];
      const credit = engine.credit(entry.question, value);
      entry.feedback.replaceChildren(...feedbackNodes(entry.question, value, credit, false));
      entry.feedback.className = `question-feedback ${creditClass(credit)}`;
      entry.feedback.hidden = false;
    }

    function renderQuiz() {
      if (!quiz) return;
      const q = state.quiz;
      const editable = quizEditable();
      const scored = q.phase === 's';
      entries.forEach((entry, i) => {
        controls.lock(entry, !editable || scored || q.checked[i]);
        if (q.checked[i] && !scored) showCheckedFeedback(i);
        else {
          entry.feedback.hidden = true;
          entry.feedback.replaceChildren();
        }
      });
      ui.form.hidden = scored && editable;       // in review the recorded answers stay visible
      const intro = $('[data-quiz-intro]', views[QUIZ_VIEW].el);
      if (intro) intro.hidden = scored;
      renderSteps();
      let info = '';
      if (!editable) info = text('quiz_readonly');
      else if (quiz.attempts && !scored) {
        info = q.used ? text('attempts_remaining', { n: attemptsLeft() }) : text('attempts_allowed', { n: quiz.attempts });
      }
      ui.attempts.textContent = info;
      if (scored) renderResults();
      else {
        ui.results.hidden = true;
        ui.results.replaceChildren();
      }
      renderEvaluation();
    }

    // The score as a bar against the pass mark: its length and the pass mark's tick carry it,
    // not its colour (the numbers are in the text beside it).
    function scoreMeter(score) {
      const mark = Math.max(0, Math.min(100, Number(config.passMark)));
      return el('div', { class: 'score-meter', 'aria-hidden': 'true' },
        el('span', { class: 'meter' }, el('span', { class: 'meter-fill', style: `width: ${Math.max(0, Math.min(100, score))}%` })),
        el('span', { class: mark > 60 ? 'meter-mark is-end' : 'meter-mark', style: `left: ${mark}%` },
          text('pass_mark_short', { pass_mark: formatNumber(config.passMark) })));
    }

    // The one action the results lead to: retake, the certificate, or the evaluation.
    function nextAction() {
      const primary = (label, attributes = {}) => el('button', { type: 'button', class: 'button primary', ...attributes },
        text(label));
      if (canRetake()) {
        const button = primary('retake_quiz');
        button.addEventListener('click', retake);
        return button;
      }
      if (hooks.certificateReady()) return primary('certificate_open', { 'data-open-certificate': '' });
      if (evaluation && quizEditable() && quizOver() && !state.evaluation.submitted) {
        const button = primary('evaluation_go');
        button.addEventListener('click', () => {
          const heading = $('h3', ui.evaluation);
          heading.focus({ preventScroll: true });
          heading.scrollIntoView();
        });
        return button;
      }
      return null;
    }

    // The verdict and the score first, then the next action, then each question (collapsed).
    function renderResults() {
      const result = evaluate();
      const plan = state.quiz.plan;
      const heading = el('h3', { tabindex: '-1' }, text('results_title'));
      const summary = el('div', { class: result.passed ? 'results-summary is-pass' : 'results-summary is-fail' },
        heading,
        el('p', { class: 'score' }, el('span', { class: 'score-label' }, text('score_label')), ' ',
          el('span', { class: 'score-value' }, text('percent', { value: formatNumber(result.score) }))),
        scoreMeter(result.score),
        el('p', { class: result.passed ? 'verdict is-pass' : 'verdict is-fail' },
          el('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, result.passed ? '\u2713' : '\u2717'),
          text(result.passed ? 'verdict_passed' : 'verdict_failed')),
        el('p', { class: 'pass-mark' }, text('pass_mark_text', { pass_mark: formatNumber(config.passMark) })));
      ui.results.replaceChildren(summary);
      const action = nextAction();
      if (action) ui.results.append(el('div', { class: 'button-row results-actions' }, action));
      if (!result.passed && quiz.attempts && quizEditable()) {
        const left = attemptsLeft();
        ui.results.append(el('p', {}, left > 0 ? text('attempts_remaining', { n: left }) : text('no_attempts_left')));
        if (left === 0 && quiz.outOfAttempts) ui.results.append(el('p', { class: 'out-of-attempts' }, quiz.outOfAttempts));
      }
      if (evaluation && evaluation.required && quizOver() && !state.evaluation.submitted && quizEditable()) {
        ui.results.append(el('p', { class: 'notice', 'data-evaluation-needed': '' }, text('evaluation_needed')));
      }
      if (quiz.feedback !== 'never') {
        const items = plan.questions.map((question, i) => el('li',
          { class: creditClass(result.credits[i]), 'data-feedback-for': question.id },
          el('p', { class: 'feedback-question' }, question.text),
          ...feedbackNodes(question, state.quiz.answers[i], result.credits[i], result.passed)));
        const scored = result.credits.filter((c) => c !== null);
        const title = text('feedback_summary', { correct: scored.filter((c) => c === 1).length, total: scored.length });
        ui.results.append(el('details', { class: 'feedback-details' }, el('summary', {}, title),
          el('ol', { class: 'feedback' }, ...items)));
      }
      ui.results.hidden = false;
      return heading;
    }

    // An answer changed in question i (typing updates the state; the change event saves it).
    function onAnswer(i, { typing = false } = {}) {
      if (!quizEditable() || state.quiz.phase === 's' || state.quiz.checked[i]) return;
      const entry = entries[i];
      const value = controls.read(entry);
      state.quiz.answers[i] = value;
      state.quiz.phase = 'p';
      answeredAt[i] = new Date();
      if (engine.complete(entry.question, value)) controls.markMissing(entry, false);
      if (paged()) renderProgress();
      if (typing) return;
      tracking.saveProgress();
      tracking.commit();
    }

    // "Check answer" (feedback: after-question): the answer is final for this attempt.
    function checkQuestion(i) {
      if (!quizEditable() || state.quiz.phase === 's' || state.quiz.checked[i]) return;
      onAnswer(i, { typing: true });
      const entry = entries[i];
      if (!engine.complete(entry.question, state.quiz.answers[i])) {
        entry.feedback.replaceChildren(el('p', { class: 'feedback-hint' }, text('answer_first')));
        entry.feedback.className = 'question-feedback';
        entry.feedback.hidden = false;
        return;
      }
      state.quiz.checked[i] = true;
      controls.lock(entry, true);
      showCheckedFeedback(i);
      entry.feedback.focus();
      ui.live.textContent = text(creditLabel(engine.credit(entry.question, state.quiz.answers[i])));
      tracking.saveProgress();
      tracking.commit();
    }

    // Each presented question as reported: the response and patterns in SCORM 1.2 and 2004 formats, readable forms.
    function describeAnswers(result) {
      const now = new Date();
      return state.quiz.plan.questions.map((question, i) => {
        const value = state.quiz.answers[i];
        const credit = result.credits[i];
        return {
          id: question.id, type: question.interaction, kind: question.type, text: question.text,
          response: engine.response(question, value), responseText: engine.readable(question, value),
          patterns: engine.patterns(question),
          response2004: engine.response2004(question, value), patterns2004: engine.patterns2004(question),
          result: credit === null ? 'neutral' : credit === 1 ? 'correct' : 'wrong',
          correct: credit === null ? null : credit === 1, credit, weight: Number(question.weight),
          latencyMs: (answeredAt[i] || now) - (attemptShownAt || now), at: answeredAt[i] || now,
        };
      });
    }

    // The events carry the SCORM 1.2 forms only (docs/architecture.md, section 7).
    const forEvent = (records) => records.map(({ at, response2004, patterns2004, ...rest }) => rest);

    function scoreQuiz(event) {
      event.preventDefault();
      if (!quizEditable() || state.quiz.phase === 's') return;
      if (paged() && step !== REVIEW()) {          // Enter in a text box: on to the next step, not scoring
        goStep(step + 1);
        return;
      }
      entries.forEach((entry, i) => { if (!state.quiz.checked[i]) state.quiz.answers[i] = controls.read(entry); });
      const missing = entries.map((_, i) => i).filter((i) => !engine.complete(entries[i].question, state.quiz.answers[i]));
      entries.forEach((entry, i) => controls.markMissing(entry, missing.includes(i)));
      if (missing.length) {
        notice('quiz', text('unanswered', { n: missing.length }));
        if (paged()) {
          step = missing[0];
          renderSteps();
        }
        controls.firstControl(entries[missing[0]]).focus();
        return;
      }
      notice('quiz', '');
      const result = evaluate();
      const q = state.quiz;
      q.used += 1;
      q.phase = 's';
      q.score = Math.floor(result.score);       // stored as an integer; the exact score is re-computed
      const answers = describeAnswers(result);
      emit('scored', {
        attempt: q.used,
        score: result.score,
        passed: result.passed,
        attemptsLeft: quiz.attempts ? attemptsLeft() : null,
        answers: forEvent(answers),
      });
      if (state.tracking) tracking.recordScore(result, answers);
      else tracking.updateStatus();
      renderQuiz();
      hooks.changed();
      $('h3', ui.results).focus();
      ui.live.textContent = `${text('score_text', { score: formatNumber(result.score) })} `
        + text(result.passed ? 'verdict_passed' : 'verdict_failed');
    }

    function retake() {
      if (!canRetake()) return;
      state.quiz = p.freshQuiz(state.quiz.used);
      state.quiz.phase = 'p';
      answeredAt = [];
      attemptShownAt = new Date();
      notice('quiz', '');
      renderAttempt();
      renderQuiz();
      tracking.saveProgress();
      tracking.commit();
      window.scrollTo(0, 0);
      $('h2', views[QUIZ_VIEW].el).focus({ preventScroll: true });
    }

    // ---------------------------------------------------------------- course evaluation
    function renderEvaluationItems() {
      if (!evaluation) return;
      const itemHooks = { checkable: false, changed: onEvaluationAnswer, announce: () => {}, missingText: 'evaluation_item_unanswered' };
      evaluationEntries = evaluation.items.map((item, i) => controls.renderLikert({ ...item, position: i }, evaluation.scale,
        itemHooks));
      const nodes = evaluationEntries.map((entry) => entry.fieldset);
      if (evaluation.comment) {
        const hint = el('p', { class: 'question-hint', id: 'evaluation-comment-hint' },
          text('evaluation_comment_hint', { n: evaluation.comment.maxLength }));
        commentBox = el('textarea', { id: 'evaluation-comment', rows: '4', maxlength: String(evaluation.comment.maxLength),
          'aria-describedby': hint.id, 'data-evaluation-comment': '' });
        nodes.push(el('div', { class: 'field evaluation-comment' },
          el('label', { for: commentBox.id }, evaluation.comment.text), hint, commentBox));
      }
      ui.evaluationItems.replaceChildren(...nodes);
      evaluationEntries.forEach((entry, i) => controls.write(entry, state.evaluation.answers[i]));
    }

    function renderEvaluation() {
      if (!evaluation) return;
      const submitted = state.evaluation.submitted;
      const editable = quizEditable() && !submitted;
      const shown = submitted || (quizEditable() && quizOver());
      ui.evaluation.hidden = !shown;
      if (shown && !evaluationShownAt) evaluationShownAt = new Date();
      evaluationEntries.forEach((entry) => controls.lock(entry, !editable));
      if (commentBox) {
        commentBox.disabled = !editable;
        commentBox.closest('.field').hidden = submitted;   // the comment goes to the LMS, not to suspend_data
      }
      ui.evaluationSubmit.hidden = !editable;
      ui.evaluationDone.textContent = submitted ? text('evaluation_thanks') : '';
    }

    function onEvaluationAnswer(i) {
      if (!quizEditable() || state.evaluation.submitted) return;
      state.evaluation.answers[i] = controls.read(evaluationEntries[i]);
      evaluationAnsweredAt[i] = new Date();
      controls.markMissing(evaluationEntries[i], false);
      tracking.saveProgress();
      tracking.commit();
    }

    function submitEvaluation(event) {
      event.preventDefault();
      if (!quizEditable() || state.evaluation.submitted || !quizOver()) return;
      const answers = evaluationEntries.map((entry) => controls.read(entry));
      state.evaluation.answers = answers;
      const missing = answers.map((_, i) => i).filter((i) => answers[i] === null);
      evaluationEntries.forEach((entry, i) => controls.markMissing(entry, missing.includes(i)));
      if (missing.length) {
        notice('evaluation', text('evaluation_unanswered', { n: missing.length }));
        controls.firstControl(evaluationEntries[missing[0]]).focus();
        return;
      }
      notice('evaluation', '');
      // One line of at most 255 characters (CMIString255; LMS runtimes reject line breaks in responses).
      const comment = commentBox ? commentBox.value.replace(/\s+/g, ' ').trim().slice(0, evaluation.comment.maxLength) : '';
      const now = new Date();
      const shownAt = evaluationShownAt || now;
      const neutral = { patterns: [], patterns2004: [], result: 'neutral', correct: null, credit: null, weight: 0 };
      const records = evaluation.items.map((item, i) => ({
        id: item.id, type: 'likert', kind: 'likert', text: item.text, response: answers[i],
        response2004: answers[i],
        responseText: (evaluation.scale.find((pt) => pt.id === answers[i]) || {}).text, ...neutral,
        latencyMs: (evaluationAnsweredAt[i] || now) - shownAt, at: evaluationAnsweredAt[i] || now,
      }));
      if (comment) {
        records.push({ id: evaluation.comment.id, type: 'fill-in', kind: 'comment', text: evaluation.comment.text,
          response: comment, response2004: comment, responseText: comment, ...neutral, latencyMs: now - shownAt,
          at: now });
      }
      state.evaluation.submitted = true;
      emit('evaluated', { required: evaluation.required, answers: forEvent(records), comment: comment || null });
      if (state.tracking) tracking.recordEvaluation(records);
      else tracking.updateStatus();
      renderQuiz();
      hooks.changed();
      ui.evaluationDone.focus();
    }

    // The forms, the current attempt and the evaluation items (once, at start).
    function bind() {
      if (!quiz) return;
      // The intro names the pass mark in force, which the LMS may have set (cmi5's masteryScore).
      const intro = $('.quiz-intro', views[QUIZ_VIEW].el);
      if (intro) intro.textContent = text('quiz_intro', { pass_mark: formatNumber(config.passMark) });
      ui.form.addEventListener('submit', scoreQuiz);
      if (steps.prev) steps.prev.addEventListener('click', () => goStep(step - 1));
      if (steps.next) steps.next.addEventListener('click', () => goStep(step + 1));
      if (evaluation) ui.evaluationForm.addEventListener('submit', submitEvaluation);
      renderAttempt();
      renderEvaluationItems();
      renderQuiz();
    }

    return { opened, bind };
  }

  const parts = global.CoursepackPlayer || (global.CoursepackPlayer = {});
  parts.quizview = Object.freeze({ create });
})(window);
