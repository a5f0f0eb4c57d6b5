// How request bodies reach the leak check: raw parts joined, forms encoded, sizes bounded. (What a
// report keeps of parameters, fingerprinting and leaks is the core's: crate/src/report and the
// golden corpus in tests/golden/.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestBodyBytes } from '../../extension/background/recorder.js';

test('request bodies: raw parts are joined, forms encoded, sizes bounded', () => {
  const text = (bytes) => new TextDecoder().decode(bytes);
  const enc = (s) => new TextEncoder().encode(s).buffer;
  assert.equal(requestBodyBytes(undefined), undefined);
  assert.equal(text(requestBodyBytes({ raw: [{ bytes: enc('{"a":') }, { file: '/x' }, { bytes: enc('1}') }] })), '{"a":1}');
  assert.equal(text(requestBodyBytes({ formData: { email: ['jane@x.org'], n: ['1', '2'] } })), 'email=jane%40x.org&n=1&n=2');
  const huge = requestBodyBytes({ raw: [{ bytes: new Uint8Array(300 * 1024).buffer }, { bytes: enc('tail') }] });
  assert.equal(huge.length, 64 * 1024, "no more than the core reads (leaks::MAX_BODY)");
});
