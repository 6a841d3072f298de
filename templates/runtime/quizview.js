/*
 * coursepack player, quiz view (copied to assets/quizview.js; loaded before assets/player.js).
 *
 * Owns what happens inside the quiz view: drawing the current attempt (the question types are
 * quiz.js's), answers as they change, "Check answer", scoring, the results and per-question
 * feedback, retakes, the announcements of [data-quiz-live], and the course evaluation under
 * the results. What is recorded, and whether the quiz may still be answered, is tracking.js's.
 * Registers CoursepackPlayer.quizview (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  // p: what the player's parts share (player.js).
  function create(p) {
    const { config, quiz, evaluation, engine, state, views, QUIZ_VIEW, ui, text, el, emit, notice, formatNumber, $ } = p;
    const quizEditable = () => p.tracking.quizEditable();
    const attemptsLeft = () => p.tracking.attemptsLeft();
    const quizOutcome = () => p.tracking.quizOutcome();
    const evaluate = () => p.tracking.evaluate();

    let entries = [];                  // the current attempt's questions as drawn (quiz.js render entries)
    let evaluationEntries = [];        // the evaluation's likert items
    let answeredAt = [];               // Date of each answer, this attempt
    let attemptShownAt = null;         // Date the attempt was first shown
    const evaluationAnsweredAt = [];   // Date of each evaluation answer
    let evaluationShownAt = null;
    let commentBox = null;

    // ---------------------------------------------------------------- quiz (question types: quiz.js)
    const canRetake = () => quizEditable() && quizOutcome() === 'failed' && attemptsLeft() > 0;
    // The quiz is over once it is passed or every attempt is used; then the evaluation opens.
    const quizOver = () => {
      const outcome = quizOutcome();
      return outcome === 'passed' || (outcome === 'failed' && attemptsLeft() === 0);
    };
    const revealAllowed = (passed) => quiz.reveal === 'always' || (quiz.reveal === 'after-passing' && passed);
    const creditClass = (c) => (c === null ? 'is-neutral' : c === 1 ? 'is-correct' : c > 0 ? 'is-partial' : 'is-wrong');
    const creditLabel = (c) => (c === null ? 'recorded' : c === 1 ? 'correct' : c > 0 ? 'partly_correct' : 'incorrect');
    const quizHooks = {
      checkable: Boolean(quiz) && quiz.feedback === 'after-question',
      changed: (i, options) => onAnswer(i, options),
      check: (i) => checkQuestion(i),
      announce: (message) => { ui.live.textContent = message; },
    };

    // The quiz view is shown (nav.js): the attempt is in progress, its latencies count from now.
    function opened() {
      if (quizEditable() && state.quiz.phase === 'n') state.quiz.phase = 'p';
      if (!attemptShownAt) attemptShownAt = new Date();
    }

    // Draw the current attempt's questions and show its answers (start, resume, retake).
    function renderAttempt() {
      entries = engine.render(state.quiz.plan, ui.questions, quizHooks);
      entries.forEach((entry, i) => engine.write(entry, state.quiz.answers[i]));
    }

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
        engine.lock(entry, !editable || scored || q.checked[i]);
        if (q.checked[i] && !scored) showCheckedFeedback(i);
        else {
          entry.feedback.hidden = true;
          entry.feedback.replaceChildren();
        }
      });
      ui.form.hidden = scored && editable;       // in review the recorded answers stay visible
      $('[data-score]', ui.form).hidden = !editable;
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

    function renderResults() {
      const result = evaluate();
      const plan = state.quiz.plan;
      const heading = el('h3', { tabindex: '-1' }, text('results_title'));
      ui.results.replaceChildren(
        heading,
        el('p', { class: 'score' }, text('score_text', { score: formatNumber(result.score) })),
        el('p', { class: result.passed ? 'verdict is-pass' : 'verdict is-fail' },
          text(result.passed ? 'verdict_passed' : 'verdict_failed')),
        el('p', {}, text('pass_mark_text', { pass_mark: formatNumber(config.passMark) })));
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
        ui.results.append(el('h4', {}, text('feedback_title')), el('ol', { class: 'feedback' }, ...items));
      }
      if (canRetake()) {
        const retakeButton = el('button', { type: 'button', class: 'button primary' }, text('retake_quiz'));
        retakeButton.addEventListener('click', retake);
        ui.results.append(el('div', { class: 'button-row' }, retakeButton));
      }
      ui.results.hidden = false;
      return heading;
    }

    // An answer changed in question i (typing updates the state; the change event saves it).
    function onAnswer(i, { typing = false } = {}) {
      if (!quizEditable() || state.quiz.phase === 's' || state.quiz.checked[i]) return;
      const entry = entries[i];
      const value = engine.read(entry);
      state.quiz.answers[i] = value;
      state.quiz.phase = 'p';
      answeredAt[i] = new Date();
      if (engine.complete(entry.question, value)) engine.markMissing(entry, false);
      if (typing) return;
      p.tracking.saveProgress();
      p.tracking.commit();
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
      engine.lock(entry, true);
      showCheckedFeedback(i);
      entry.feedback.focus();
      ui.live.textContent = text(creditLabel(engine.credit(entry.question, state.quiz.answers[i])));
      p.tracking.saveProgress();
      p.tracking.commit();
    }

    // Each presented question as reported: SCORM 1.2 response and patterns plus readable forms.
    function describeAnswers(result) {
      const now = new Date();
      return state.quiz.plan.questions.map((question, i) => {
        const value = state.quiz.answers[i];
        const credit = result.credits[i];
        return {
          id: question.id, type: question.interaction, kind: question.type, text: question.text,
          response: engine.response(question, value), responseText: engine.readable(question, value),
          patterns: engine.patterns(question),
          result: credit === null ? 'neutral' : credit === 1 ? 'correct' : 'wrong',
          correct: credit === null ? null : credit === 1, credit, weight: Number(question.weight),
          latencyMs: (answeredAt[i] || now) - (attemptShownAt || now), at: answeredAt[i] || now,
        };
      });
    }

    const forEvent = (records) => records.map(({ at, ...rest }) => rest);

    function scoreQuiz(event) {
      event.preventDefault();
      if (!quizEditable() || state.quiz.phase === 's') return;
      entries.forEach((entry, i) => { if (!state.quiz.checked[i]) state.quiz.answers[i] = engine.read(entry); });
      const missing = entries.map((_, i) => i).filter((i) => !engine.complete(entries[i].question, state.quiz.answers[i]));
      entries.forEach((entry, i) => engine.markMissing(entry, missing.includes(i)));
      if (missing.length) {
        notice('quiz', text('unanswered', { n: missing.length }));
        engine.firstControl(entries[missing[0]]).focus();
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
      if (state.tracking) p.tracking.recordScore(result, answers);
      else p.tracking.setStatus(p.tracking.wantedStatus());
      renderQuiz();
      p.nav.render();
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
      p.tracking.saveProgress();
      p.tracking.commit();
      window.scrollTo(0, 0);
      $('h2', views[QUIZ_VIEW].el).focus({ preventScroll: true });
    }

    // ---------------------------------------------------------------- course evaluation
    function renderEvaluationItems() {
      if (!evaluation) return;
      const hooks = { checkable: false, changed: onEvaluationAnswer, announce: () => {}, missingText: 'evaluation_item_unanswered' };
      evaluationEntries = evaluation.items.map((item, i) => engine.renderLikert({ ...item, position: i }, evaluation.scale, hooks));
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
      evaluationEntries.forEach((entry, i) => engine.write(entry, state.evaluation.answers[i]));
    }

    function renderEvaluation() {
      if (!evaluation) return;
      const submitted = state.evaluation.submitted;
      const editable = quizEditable() && !submitted;
      const shown = submitted || (quizEditable() && quizOver());
      ui.evaluation.hidden = !shown;
      if (shown && !evaluationShownAt) evaluationShownAt = new Date();
      evaluationEntries.forEach((entry) => engine.lock(entry, !editable));
      if (commentBox) {
        commentBox.disabled = !editable;
        commentBox.closest('.field').hidden = submitted;   // the comment goes to the LMS, not to suspend_data
      }
      ui.evaluationSubmit.hidden = !editable;
      ui.evaluationDone.textContent = submitted ? text('evaluation_thanks') : '';
    }

    function onEvaluationAnswer(i) {
      if (!quizEditable() || state.evaluation.submitted) return;
      state.evaluation.answers[i] = engine.read(evaluationEntries[i]);
      evaluationAnsweredAt[i] = new Date();
      engine.markMissing(evaluationEntries[i], false);
      p.tracking.saveProgress();
      p.tracking.commit();
    }

    function submitEvaluation(event) {
      event.preventDefault();
      if (!quizEditable() || state.evaluation.submitted || !quizOver()) return;
      const answers = evaluationEntries.map((entry) => engine.read(entry));
      state.evaluation.answers = answers;
      const missing = answers.map((_, i) => i).filter((i) => answers[i] === null);
      evaluationEntries.forEach((entry, i) => engine.markMissing(entry, missing.includes(i)));
      if (missing.length) {
        notice('evaluation', text('evaluation_unanswered', { n: missing.length }));
        engine.firstControl(evaluationEntries[missing[0]]).focus();
        return;
      }
      notice('evaluation', '');
      // One line of at most 255 characters (CMIString255; LMS runtimes reject line breaks in responses).
      const comment = commentBox ? commentBox.value.replace(/\s+/g, ' ').trim().slice(0, evaluation.comment.maxLength) : '';
      const now = new Date();
      const shownAt = evaluationShownAt || now;
      const neutral = { patterns: [], result: 'neutral', correct: null, credit: null, weight: 0 };
      const records = evaluation.items.map((item, i) => ({
        id: item.id, type: 'likert', kind: 'likert', text: item.text, response: answers[i],
        responseText: (evaluation.scale.find((pt) => pt.id === answers[i]) || {}).text, ...neutral,
        latencyMs: (evaluationAnsweredAt[i] || now) - shownAt, at: evaluationAnsweredAt[i] || now,
      }));
      if (comment) {
        records.push({ id: evaluation.comment.id, type: 'fill-in', kind: 'comment', text: evaluation.comment.text,
          response: comment, responseText: comment, ...neutral, latencyMs: now - shownAt, at: now });
      }
      state.evaluation.submitted = true;
      emit('evaluated', { required: evaluation.required, answers: forEvent(records), comment: comment || null });
      if (state.tracking) p.tracking.recordEvaluation(records);
      else p.tracking.setStatus(p.tracking.wantedStatus());
      renderQuiz();
      p.nav.render();
      ui.evaluationDone.focus();
    }

    // The forms, the current attempt and the evaluation items (once, at start).
    function bind() {
      if (!quiz) return;
      ui.form.addEventListener('submit', scoreQuiz);
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
