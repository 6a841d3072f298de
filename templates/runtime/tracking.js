/*
 * coursepack player, tracking (copied to assets/tracking.js; loaded before assets/player.js).
 *
 * The one part that records progress, through the tracking adapter's neutral operations
 * (docs/architecture.md, section 4.2): launch data, the tracking rules (section 4), suspend_data
 * (suspend.js), location, interactions, score, commits, the session's end on pagehide. The views
 * ask it what the rules allow and hand it what to record.
 * Registers CoursepackPlayer.tracking (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  const STARTED = Object.freeze({ completion: 'incomplete', success: 'unknown' });   // the first launch

  // p: what the parts share; adapter: connected; codec: suspend.js; onStatus(status): it changed.
  function create(p, { adapter, codec, onStatus }) {
    const { config, quiz, evaluation, engine, state, views, learner, text, emit, notice, progress, DEBUG } = p;
    const SUSPEND_LIMIT = Math.min(adapter.suspendLimit, config.suspendWorstCase || adapter.suspendLimit);
    const policy = config.tracking || {};    // course.yaml tracking: (null in a format that ignores it: the defaults)
    // tracking: score: raw sends score.raw alone (and 2004's scaled); by default min 0 and max 100 too.
    const RANGE = policy.score === 'raw' ? { min: null, max: null } : { min: 0, max: 100 };

    const written = { suspend: null, location: null, exit: null };   // avoid re-sending equal values
    const clock = { start: Date.now(), paused: 0, pausedAt: null };    // session time without bfcache time
    let lmsScore;                         // the stored score, read only when the quiz state is unknown
    let wroteStatus = false;              // the launch set the started status
    let finished = false;                 // the session ended (pagehide, or the learner left for the LMS)

    // ---------------------------------------------------------------- what the rules allow
    const quizEditable = () => !adapter.connected || state.tracking;   // no LMS, or normal mode
    const attemptsLeft = () => (quiz.attempts ? Math.max(0, quiz.attempts - state.quiz.used) : Infinity);

    // Score of the current attempt: weighted percentage, at most 2 decimals (quiz.js).
    const evaluate = () => engine.evaluate(state.quiz.plan, state.quiz.answers, config.passMark);
    // A required evaluation must be sent before the course counts as complete.
    const evaluationSettled = () => !evaluation || !evaluation.required || state.evaluation.submitted;
    const isDone = (status) => adapter.isDone(status);

    // 'passed', 'failed' or null (no attempt scored yet). A retake is only offered after a
    // failed attempt, so an unscored quiz with attempts used means the last attempt failed.
    function quizOutcome() {
      if (!quiz) return null;
      if (state.quiz.phase === 's') return evaluate().passed ? 'passed' : 'failed';
      return state.quiz.used > 0 ? 'failed' : null;
    }

    // ---------------------------------------------------------------- status rules (section 4)
    // {completion, success} as the completion rule asks for now, or null for nothing.
    function wantedOutcome() {
      const lessonsDone = state.visited.every(Boolean);
      const outcome = quizOutcome();
      const settled = evaluationSettled();
      const failed = { completion: 'incomplete', success: 'failed' };
      const rule = quiz ? config.completion : 'lessons';
      if (rule === 'lessons') {
        if (outcome === 'passed' && settled) return { completion: 'completed', success: 'passed' };
        if (lessonsDone && settled) return { completion: 'completed', success: outcome === 'failed' ? 'failed' : 'unknown' };
        return outcome === 'failed' ? failed : null;
      }
      if (outcome === 'passed') {
        return { completion: (rule === 'quiz' || lessonsDone) && settled ? 'completed' : 'incomplete', success: 'passed' };
      }
      return outcome === 'failed' ? failed : null;
    }

    function wantedStatus() {
      const outcome = wantedOutcome();
      return outcome && adapter.statusFor(outcome);
    }

    // '' once the course is done (or failed with no attempt left), else 'suspend'.
    function exitFor(status) {
      if (isDone(status)) return '';
      if (adapter.isFailed(status) && quiz && attemptsLeft() === 0) return '';
      return 'suspend';
    }

    // Apply a status (written when tracking, kept locally without an LMS). True if it changed.
    function setStatus(next, { force = false } = {}) {
      if (!adapter.mayReplace(state.status, next) || (next === state.status && !force)) return false;
      if (adapter.connected && !(state.tracking && adapter.setStatus(next))) return false;
      const changed = next !== state.status;
      state.status = next;
      if (changed) onStatus(next);
      if (isDone(next)) notice('complete', text('course_complete'));
      return changed;
    }

    const updateStatus = () => setStatus(wantedStatus());

    function writeExit(status = state.status) {
      if (!state.tracking) return;
      const exit = exitFor(status);
      if (exit !== written.exit && adapter.setExit(exit)) written.exit = exit;
    }

    // ---------------------------------------------------------------- progress and commits
    // Write suspend_data and the location when they changed, and the progress (normal mode).
    function saveProgress() {
      if (!state.tracking) return;
      const data = codec.encode(state);
      if (data !== written.suspend) {
        if (data.length > SUSPEND_LIMIT) {
          if (DEBUG) console.warn('[coursepack] suspend_data longer than its worst case, not sent:', data);
        } else if (adapter.setSuspendData(data)) {
          written.suspend = data;
        }
      }
      const view = views[state.current];
      if (view && view.key !== written.location && adapter.setLocation(view.key)) {
        written.location = view.key;
      }
      adapter.setProgress(progress());
    }

    // Normal mode only: commit what the current action wrote once its handler returns (session.js).
    function commit() {
      if (state.tracking) adapter.requestCommit();
    }

    // The stored score as a number (null if none), read once; askLms false: undefined until read.
    function storedScore({ askLms = true } = {}) {
      if (lmsScore === undefined && askLms) lmsScore = adapter.storedScore();
      return lmsScore;
    }

    // ---------------------------------------------------------------- quiz and evaluation records
    // tracking: interactions: none sends none; first-attempt only those of the first scored attempt, so no id
    // goes twice (the evaluation is sent once, so only none holds it back); all (the default) every one.
    function sendInteractions(records, attempt) {
      if (policy.interactions === 'none' || (policy.interactions === 'first-attempt' && attempt > 1)) return;
      adapter.appendInteractions(records);
    }

    // Section 4, "Quiz submit": interactions, then the score, the status, one commit.
    function recordScore(result, answers) {
      const next = wantedStatus();
      const statusAfter = adapter.mayReplace(state.status, next) ? next : state.status;
      saveProgress();
      writeExit(statusAfter);
      sendInteractions(answers, state.quiz.used);
      // A failing score after passed/completed could make an LMS with a mastery score turn the
      // status into "failed" (scorm12-rte.md section 6), so it is not sent then.
      if (!(isDone(state.status) && !result.passed)) {
        adapter.setScore({ raw: result.score, ...RANGE, scaled: result.score / 100 });
      }
      setStatus(next, { force: true });
      adapter.commit();
    }

    // The evaluation never touches the score: likert (and comment) interactions, the status, a commit.
    function recordEvaluation(records) {
      const next = wantedStatus();
      saveProgress();
      writeExit(adapter.mayReplace(state.status, next) ? next : state.status);
      sendInteractions(records, 1);
      setStatus(next);
      adapter.commit();
    }

    // ---------------------------------------------------------------- launch
    // Read the launch data, restore the progress, mark the course started: {entry, location, restored,
    // returnUrl, audio} (the last two when the LMS gives them: cmi5's returnURL and audio preference).
    function begin() {
      let entry = '';
      let location = '';
      let stored = '';
      let extra = {};
      state.lms = adapter.connected;
      if (adapter.connected) {
        const launch = adapter.launch();
        Object.assign(learner, launch.learner);     // handed to reporters only; never logged
        ({ entry, location } = launch);
        extra = { returnUrl: launch.returnUrl || null, audio: launch.audio || null };
        // The LMS's pass mark for this launch (cmi5's masteryScore) is the one the quiz is judged by.
        if (Number.isFinite(launch.passMark)) config.passMark = launch.passMark;
        stored = launch.suspendData;
        state.status = launch.status;
        state.mode = launch.mode;
        state.tracking = state.mode === 'normal';
        written.suspend = stored;
        written.location = location;
      }

      const restored = stored ? codec.decode(stored) : null;
      if (restored) {
        state.visited = restored.visited;
        if (restored.quiz) state.quiz = restored.quiz;
        if (restored.evaluation) state.evaluation = restored.evaluation;
        if (restored.earlier && restored.earlier.quizRestarted) notice('info', text('quiz_restarted'));
      } else if (stored) {
        notice('info', text('course_updated'));   // another version's data: progress restarts, status stays
      }

      if (!adapter.connected) notice('mode', text(adapter.notice || 'no_lms'));
      else if (!state.tracking) notice('mode', text('review_mode'));
      if (isDone(state.status)) notice('complete', text('course_complete'));

      if (state.tracking) {
        if (adapter.isUnstarted(state.status)) {
          const started = adapter.statusFor(STARTED);
          wroteStatus = adapter.setStatus(started);
          if (wroteStatus) state.status = started;
        }
        writeExit();
      }
      return { entry, location, restored, ...extra };
    }

    // Once the first view shows: commit what the launch wrote, at once.
    function commitLaunch() {
      if (state.tracking && (wroteStatus || adapter.dirty)) adapter.commit();
    }

    // ---------------------------------------------------------------- session end
    function finish() {
      if (finished) return;
      finished = true;
      const sessionMs = Date.now() - clock.start - clock.paused;
      emit('end', { status: state.status, exit: exitFor(state.status), sessionMs });
      if (!adapter.connected) return;
      saveProgress();
      adapter.terminate({ exit: state.tracking ? exitFor(state.status) : null, sessionMs });
    }

    // Registered before the `start` event, so before any reporter's (docs/architecture.md, section 7).
    global.addEventListener('pagehide', (event) => {
      if (event.persisted) {                    // into the back/forward cache: keep the session
        clock.pausedAt = Date.now();
        adapter.commit();
      } else {
        finish();
      }
    });
    global.addEventListener('pageshow', (event) => {
      if (event.persisted && clock.pausedAt !== null) {   // back from the cache: no second initialize
        clock.paused += Date.now() - clock.pausedAt;
        clock.pausedAt = null;
      }
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && adapter.dirty) adapter.commit();
    });

    return {
      quizEditable, attemptsLeft, evaluate, evaluationSettled, isDone, quizOutcome, updateStatus, setStatus,
      writeExit, saveProgress, commit, storedScore, recordScore, recordEvaluation, begin, commitLaunch, finish,
    };
  }

  const parts = global.CoursepackPlayer || (global.CoursepackPlayer = {});
  parts.tracking = Object.freeze({ create });
})(window);
