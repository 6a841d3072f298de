// Feeds interaction records to scorm-again's real SCORM 2004 runtime (tests/e2e/node_modules) and
// prints, as JSON, every SetValue it refused: [{record, element, value, code}]. Input on stdin:
// [{id, type, description, learner_response, patterns, result, weighting}, …] (test_scorm2004.py).
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const dist = path.join(__dirname, '..', 'e2e', 'node_modules', 'scorm-again', 'dist', 'scorm2004.js');
const context = { console, setTimeout, clearTimeout, setInterval, clearInterval };
context.window = context;
vm.createContext(context);
vm.runInContext(fs.readFileSync(dist, 'utf8'), context);

const api = new context.Scorm2004API({ logLevel: 5 });
api.Initialize('');
const refused = [];
const records = JSON.parse(fs.readFileSync(0, 'utf8'));
records.forEach((record, n) => {
  const base = `cmi.interactions.${n}.`;
  const set = (element, value) => {
    if (api.SetValue(element, value) !== 'true') refused.push({ record: n, element, value, code: api.GetLastError() });
  };
  set(`${base}id`, record.id);
  set(`${base}type`, record.type);
  set(`${base}description`, record.description);
  record.patterns.forEach((pattern, i) => set(`${base}correct_responses.${i}.pattern`, pattern));
  set(`${base}learner_response`, record.learner_response);
  set(`${base}result`, record.result);
  set(`${base}weighting`, record.weighting);
});
process.stdout.write(JSON.stringify(refused));
