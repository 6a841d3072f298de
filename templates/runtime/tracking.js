/*
 * coursepack player, tracking (copied to assets/tracking.js; loaded before assets/player.js).
 *
 * The one part that talks to the LMS, through assets/scorm12.js: it reads the launch data, applies
 * the tracking rules of docs/architecture.md (section 4: completion, never downgrade, exit), writes
 * suspend_data (encoded by suspend.js), the location, the interactions and the score, decides when
 * to commit, and ends the session on pagehide. The views ask it what the rules allow (may the quiz
 * still be answered? what is the outcome?) and hand it what to record.
 * Registers CoursepackPlayer.tracking (player.js creates it). Classic script.
 */
;(function (global) {
  'use strict';

  const TERMINAL = Object.freeze(['passed', 'completed']);   // never written over (section 4, "Never downgrade")

  // p: what the player's parts share (player.js). Connects to the LMS (LMSInitialize) when created.
  function create(p) {
    const SCORM = global.CoursepackSCORM;
    const { config, quiz, evaluation, engine, state, views, learner, text, emit, notice, DEBUG } = p;
    const SUSPEND_LIMIT = Math.min(4096, config.suspendWorstCase || 4096);

    const written = { suspend: null, location: null, exit: null };   // avoid re-sending equal values
    const clock = { start: Date.now(), paused: 0, pausedAt: null };    // session time without bfcache time
    let lmsScore;                         // cmi.core.score.raw, read only when the quiz state is unknown
    let wroteStatus = false;              // the launch set `incomplete`

    const session = SCORM.connect({
      debug: DEBUG,
      onCommitFailure: () => notice('save', text('commit_failed')),
      onCommitRecovered: () => notice('save', ''),
    });

    // ---------------------------------------------------------------- what the rules allow
    const quizEditable = () => !session.connected || state.tracking;   // no LMS, or normal mode
    const attemptsLeft = () => (quiz.attempts ? Math.max(0, quiz.attempts - state.quiz.used) : Infinity);

    // Score of the current attempt: weighted percentage, at most 2 decimals (quiz.js).
    const evaluate = () => engine.evaluate(state.quiz.plan, state.quiz.answers, config.passMark);
    // A required evaluation must be sent before the course counts as complete.
    const evaluationSettled = () => !evaluation || !evaluation.required || state.evaluation.submitted;

    // 'passed', 'failed' or null (no attempt scored yet). A retake is only offered after a
    // failed attempt, so an unscored quiz with attempts used means the last attempt failed.
    function quizOutcome() {
      if (!quiz) return null;
      if (state.quiz.phase === 's') return evaluate().passed ? 'passed' : 'failed';
      return state.quiz.used > 0 ? 'failed' : null;
    }

    // ---------------------------------------------------------------- status rules (section 4)
    // The status the completion rule asks for now, or null when it asks for nothing.
    function wantedStatus() {
      const lessonsDone = state.visited.every(Boolean);
      const outcome = quizOutcome();
      const pass = config.status.pass;
      const fail = config.status.fail;
      const rule = quiz ? config.completion : 'lessons';
      if (rule === 'lessons') {
        if (outcome === 'passed' && evaluationSettled()) return pass;
        if (lessonsDone && evaluationSettled()) return 'completed';
        return outcome === 'failed' ? fail : null;
      }
      if (outcome === 'passed') return (rule === 'quiz' || lessonsDone) && evaluationSettled() ? pass : 'incomplete';
      return outcome === 'failed' ? fail : null;
    }

    // Never downgrade: nothing replaces passed; completed may only become passed.
    function mayWrite(from, to) {
      if (!to || from === 'passed') return false;
      return from !== 'completed' || to === 'passed';
    }

    function exitFor(status) {
      if (TERMINAL.includes(status)) return '';
      if (status === 'failed' && quiz && attemptsLeft() === 0) return '';
      return 'suspend';
    }

    // Apply a status (written when tracking, kept locally without an LMS). True if it changed.
    function setStatus(next, { force = false } = {}) {
      if (!mayWrite(state.status, next) || (next === state.status && !force)) return false;
      if (session.connected && !(state.tracking && session.set('cmi.core.lesson_status', next))) return false;
      const changed = next !== state.status;
      state.status = next;
      if (changed && TERMINAL.includes(next)) p.certview.rememberCompletion();
      if (changed) emit('status', { status: next, certificate: p.certview.record({ askLms: false }) });
      if (TERMINAL.includes(next)) notice('complete', text('course_complete'));
      return changed;
    }

    function writeExit(status = state.status) {
      if (!state.tracking) return;
      const exit = exitFor(status);
      if (exit !== written.exit && session.set('cmi.core.exit', exit)) written.exit = exit;
    }

    // ---------------------------------------------------------------- progress and commits
    // Write suspend_data and lesson_location when they changed (normal mode only).
    function saveProgress() {
      if (!state.tracking) return;
      const data = p.suspend.encode();
      if (data !== written.suspend) {
        if (data.length > SUSPEND_LIMIT) {
          if (DEBUG) console.warn('[coursepack] suspend_data longer than its worst case, not sent:', data);
        } else if (session.set('cmi.suspend_data', data)) {
          written.suspend = data;
        }
      }
      const view = views[state.current];
      if (view && view.key !== written.location && session.set('cmi.core.lesson_location', view.key)) {
        written.location = view.key;
      }
    }

    // Normal mode only: commit at once (a status changed), else coalesced into one commit ~1 s later.
    function commit({ now = false } = {}) {
      if (!state.tracking) return;
      if (now) session.commitNow();
      else session.requestCommit();
    }

    // cmi.core.score.raw as a number (null if none), read once; askLms false: undefined until read.
    function storedScore({ askLms = true } = {}) {
      if (lmsScore === undefined && askLms) {
        const raw = session.connected ? session.get('cmi.core.score.raw') : '';
        lmsScore = raw && Number.isFinite(Number(raw)) ? Number(raw) : null;
      }
      return lmsScore;
    }

    // ---------------------------------------------------------------- quiz and evaluation records
    // Journal records at cmi.interactions._count: id first, then type, response, patterns, result,
    // weighting, latency, time (section 4). LMSs may not implement interactions (401): skipped.
    function appendInteractions(records) {
      const countText = session.get('cmi.interactions._count');
      const count = countText ? Number(countText) : NaN;
      if (!(Number.isInteger(count) && count >= 0)) return;
      records.every((r, i) => {
        const n = `cmi.interactions.${count + i}.`;
        if (!session.set(`${n}id`, r.id)) return false;   // indices must stay sequential
        session.set(`${n}type`, r.type);
        session.set(`${n}student_response`, r.response);
        r.patterns.forEach((pattern, k) => session.set(`${n}correct_responses.${k}.pattern`, pattern));
        session.set(`${n}result`, r.result);
        session.set(`${n}weighting`, String(r.weight));
        session.set(`${n}latency`, SCORM.timespan(r.latencyMs));
        session.set(`${n}time`, SCORM.timeOfDay(r.at));
        return true;
      });
    }

    // Section 4, "Quiz submit": interactions at _count, then the score, the status, one commit.
    function recordScore(result, answers) {
      const next = wantedStatus();
      const statusAfter = mayWrite(state.status, next) ? next : state.status;
      saveProgress();
      writeExit(statusAfter);
      appendInteractions(answers);
      // A failing score after passed/completed could make an LMS with a mastery score turn the
      // status into "failed" (scorm12-rte.md section 6), so it is not sent then.
      if (!(TERMINAL.includes(state.status) && !result.passed)) {
        session.set('cmi.core.score.min', '0');
        session.set('cmi.core.score.max', '100');
        session.set('cmi.core.score.raw', String(result.score));
      }
      setStatus(next, { force: true });
      session.commitNow();
    }

    // The evaluation never touches the score: likert (and comment) interactions, the status, a commit.
    function recordEvaluation(records) {
      const next = wantedStatus();
      saveProgress();
      writeExit(mayWrite(state.status, next) ? next : state.status);
      appendInteractions(records);
      setStatus(next);
      session.commitNow();
    }

    // ---------------------------------------------------------------- launch
    // Read what the LMS holds, restore the stored progress, set `incomplete` (normal mode).
    // Returns {entry, location, restored} for the first view.
    function begin() {
      let entry = '';
      let location = '';
      let stored = '';
      state.lms = session.connected;
      if (session.connected) {
        learner.id = session.get('cmi.core.student_id') || '';    // handed to reporters only; never logged
        learner.name = session.get('cmi.core.student_name') || '';
        entry = session.get('cmi.core.entry') || '';
        location = session.get('cmi.core.lesson_location') || '';
        stored = session.get('cmi.suspend_data') || '';
        state.status = session.get('cmi.core.lesson_status') || '';
        session.get('cmi.core.credit');
        const mode = session.get('cmi.core.lesson_mode');    // null (401) or "": normal
        state.mode = mode === 'browse' || mode === 'review' ? mode : 'normal';
        state.tracking = state.mode === 'normal';
        written.suspend = stored;
        written.location = location;
      }

      const restored = stored ? p.suspend.decode(stored) : null;
      if (restored) {
        state.visited = restored.visited;
        state.quiz = restored.quiz;
        state.evaluation = restored.evaluation;
      } else if (stored) {
        notice('info', text('course_updated'));   // another version's data: progress restarts, status stays
      }

      if (!session.connected) notice('mode', text('no_lms'));
      else if (!state.tracking) notice('mode', text('review_mode'));
      if (TERMINAL.includes(state.status)) notice('complete', text('course_complete'));

      if (state.tracking) {
        if (state.status === '' || state.status === 'not attempted') {
          wroteStatus = session.set('cmi.core.lesson_status', 'incomplete');
          if (wroteStatus) state.status = 'incomplete';
        }
        writeExit();
      }
      return { entry, location, restored };
    }

    // Once the first view shows: commit what the launch wrote, at once.
    function commitLaunch() {
      if (state.tracking && (wroteStatus || session.dirty)) session.commitNow();
    }

    // ---------------------------------------------------------------- session end
    function finish() {
      emit('end', { status: state.status, exit: exitFor(state.status), sessionMs: Date.now() - clock.start - clock.paused });
      if (!session.connected) return;
      saveProgress();
      session.finish({
        exit: state.tracking ? exitFor(state.status) : null,
        sessionTime: SCORM.timespan(Date.now() - clock.start - clock.paused),
      });
    }

    // Registered before the `start` event, so before any reporter's (docs/architecture.md, section 7).
    window.addEventListener('pagehide', (event) => {
      if (event.persisted) {                    // into the back/forward cache: keep the session
        clock.pausedAt = Date.now();
        session.commitNow();
      } else {
        finish();
      }
    });
    window.addEventListener('pageshow', (event) => {
      if (event.persisted && clock.pausedAt !== null) {   // back from the cache: no second LMSInitialize
        clock.paused += Date.now() - clock.pausedAt;
        clock.pausedAt = null;
      }
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && session.dirty) session.commitNow();
    });

    return {
      TERMINAL, quizEditable, attemptsLeft, evaluate, evaluationSettled, quizOutcome, wantedStatus, setStatus,
      writeExit, saveProgress, commit, storedScore, recordScore, recordEvaluation, begin, commitLaunch,
    };
  }

  const parts = global.CoursepackPlayer || (global.CoursepackPlayer = {});
  parts.tracking = Object.freeze({ create });
})(window);
