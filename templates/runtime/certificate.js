/*
 * coursepack certificate helpers (copied to assets/certificate.js, only for a course with a
 * certificate; loaded before the player's scripts: assets/certview.js shows the certificate).
 *
 * The verification code (README, "The certificate"; builder/certificate.py computes the same):
 *   input  = UTF-8 of "coursepack-certificate-1\n<course id>\n<version>\n<learner id>\n<YYYY-MM-DD>"
 *   digest = SHA-256(input)
 *   code   = the first 60 bits of the digest as 12 Crockford base-32 digits, in groups of four
 * SHA-256 is computed here rather than with crypto.subtle, which is asynchronous and missing on
 * an LMS served over plain http. One global: CoursepackCertificate (module.exports under Node).
 */
;(function (global) {
  'use strict';

  const CODE_VERSION = 'coursepack-certificate-1';
  const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';   // Crockford base 32: no I, L, O, U
  const CODE_DIGITS = 12;

  // ------------------------------------------------------------------ SHA-256 (FIPS 180-4)
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));

  function sha256(bytes) {
    const hash = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    // Padding: 0x80, zeros, then the length in bits as a 64-bit big-endian number.
    const padded = new Uint8Array(Math.ceil((bytes.length + 9) / 64) * 64);
    padded.set(bytes);
    padded[bytes.length] = 0x80;
    const data = new DataView(padded.buffer);
    data.setUint32(padded.length - 8, Math.floor(bytes.length / 0x20000000));
    data.setUint32(padded.length - 4, (bytes.length * 8) >>> 0);
    const w = new Uint32Array(64);
    for (let block = 0; block < padded.length; block += 64) {
      for (let i = 0; i < 16; i++) w[i] = data.getUint32(block + 4 * i);
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;          // Uint32Array stores modulo 2^32
      }
      let [a, b, c, d, e, f, g, h] = hash;
      for (let i = 0; i < 64; i++) {
        const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i]) >>> 0;
        const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
        h = g; g = f; f = e; e = (d + t1) >>> 0;
        d = c; c = b; b = a; a = (t1 + t2) >>> 0;
      }
      [a, b, c, d, e, f, g, h].forEach((v, i) => { hash[i] += v; });
    }
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    hash.forEach((v, i) => view.setUint32(4 * i, v));
    return out;
  }

  // ------------------------------------------------------------------ the verification code
  function verificationCode(courseId, version, learnerId, date) {
    const input = [CODE_VERSION, courseId, version, learnerId, date].join('\n');
    const digest = sha256(new TextEncoder().encode(input));
    const bit = (n) => (digest[n >> 3] >> (7 - (n & 7))) & 1;
    let code = '';
    for (let i = 0; i < CODE_DIGITS; i++) {
      let digit = 0;
      for (let n = 5 * i; n < 5 * i + 5; n++) digit = (digit << 1) | bit(n);
      code += (i && i % 4 === 0 ? '-' : '') + ALPHABET[digit];
    }
    return code;
  }

  // ------------------------------------------------------------------ the learner's name
  // cmi.core.student_name comes as "Last, First" (SCORM 1.2, Moodle's standard mode) or as
  // "First Last" (Moodle's default), which may end in credentials: "Jane Doe, RN".
  const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'esq', 'phd', 'psyd', 'edd', 'md', 'do', 'rn', 'np',
    'pa', 'dnp', 'msn', 'bsn', 'aprn', 'lpn', 'fnp', 'crna', 'lcsw', 'licsw', 'lmft', 'lpc', 'lcpc', 'lmhc', 'msw',
    'mph', 'ma', 'ms', 'mba', 'ba', 'bs', 'pharmd', 'dds', 'dmd', 'ot', 'pt', 'cadc']);
  const isCredential = (token) => SUFFIXES.has(token.replace(/\./g, '').toLowerCase())
    || /^[A-Z][A-Z-]{1,9}$/.test(token) || /^([A-Za-z]{1,3}\.){2,}$/.test(token);

  function displayName(raw) {
    const name = String(raw || '').replace(/\s+/g, ' ').trim();
    const parts = name.split(',').map((part) => part.trim()).filter(Boolean);
    if (parts.length < 2) return parts.join('');
    const rest = parts.slice(1);
    if (rest.every((part) => part.split(' ').every(isCredential))) return parts.join(', ');   // First Last, RN
    const [last, first, ...more] = parts;                                                     // Last, First[, RN]
    return [`${first} ${last}`, ...more].join(', ');
  }

  const api = Object.freeze({ sha256, verificationCode, displayName });
  global.CoursepackCertificate = api;
  if (typeof module === 'object' && module.exports) module.exports = api;
})(globalThis);
