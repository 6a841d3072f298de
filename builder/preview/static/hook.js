/*
 * coursepack preview hook: added to the course page's <head> by the preview server, in the
 * HTTP response only (never into a built package). It forwards the player's `coursepack`
 * events and script errors to the preview page around the frame, and does nothing else.
 */
;(function () {
  'use strict';
  let host = null;
  try {
    host = window.parent !== window ? window.parent.CoursepackPreview : null;
  } catch (e) {
    host = null;
  }
  if (!host) return;
  document.addEventListener('coursepack', function (event) {
    try { host.playerEvent(event.detail); } catch (e) { /* never disturb the course */ }
  });
  window.addEventListener('error', function (event) {
    try { host.pageError(String(event.message), String(event.filename || ''), event.lineno || 0); } catch (e) { /* ignore */ }
  });
})();
