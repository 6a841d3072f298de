// The certificate helpers (templates/runtime/certificate.js) under Node: SHA-256 (FIPS 180-4
// test values), the verification code as builder/certificate.py computes it, the learner's name.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { load } = require('./fixture.js');

const Certificate = load('certificate.js');
const hex = (bytes) => Buffer.from(bytes).toString('hex');

test('SHA-256 of the FIPS 180-4 examples and of lengths around a block', () => {
  const encode = (s) => new TextEncoder().encode(s);
  assert.equal(hex(Certificate.sha256(encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hex(Certificate.sha256(encode(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  for (const n of [55, 56, 63, 64, 65, 1000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
    assert.equal(hex(Certificate.sha256(data)), crypto.createHash('sha256').update(data).digest('hex'), `length ${n}`);
  }
});

test('the verification code is builder/certificate.py\'s', () => {
  assert.equal(Certificate.verificationCode('self-compassion', '1.0.0', 'learner_1', '2024-05-01'), 'MKF6-ER3B-MPES');
  assert.equal(Certificate.verificationCode('curso-é', '2.1.0', 'Zoë', '2025-12-31'), '626G-Z1SC-TGVM');
});

test('the learner\'s name in either order, credentials kept', () => {
  for (const [sent, shown] of [
    ['Doe, Jane', 'Jane Doe'],
    ['Jane Doe', 'Jane Doe'],
    ['Jane Doe, RN', 'Jane Doe, RN'],
    ['Doe, Jane, PhD', 'Jane Doe, PhD'],
    ['Cher', 'Cher'],
    ['  de la Cruz,   María José ', 'María José de la Cruz'],
    ['', ''],
  ]) assert.equal(Certificate.displayName(sent), shown, sent);
});
