// The Node entries' webhook HMAC: node:crypto's (OpenSSL, on the CPU's SHA extensions) rather
// than the Wasm core's own SHA-256, which is what kept `verify` below stripe's constructEvent in
// Node (benches/webhooks). Only the MAC moves: the core still parses the header, tries the
// secrets, compares in constant time and applies the time policy (src/webhook/status.rs), and
// the payload goes to OpenSSL as it is (a string is encoded by node:crypto, in C++), never copied
// into Wasm. Other runtimes keep the core's HMAC: node:crypto is not theirs to import.
import { createHmac } from 'node:crypto';
import { provideHostMac } from './webhook-logic.js';

provideHostMac((memory, payload) => {
  let failure: { thrown: unknown } | undefined;
  return {
    mac(key, keyLen, prefix, prefixLen, out) {
      try {
        const bytes = new Uint8Array(memory.buffer);
        const hmac = createHmac('sha256', bytes.subarray(key, key + keyLen));
        const before = bytes.subarray(prefix, prefix + prefixLen);
        // The prefix is ASCII (a timestamp, or a message id and a timestamp, and dots): for a
        // string payload one `update` of prefix + payload, each call into C++ measured.
        if (typeof payload === 'string') hmac.update(String.fromCharCode(...before) + payload);
        else hmac.update(before).update(payload);
        bytes.set(hmac.digest(), out);
        return true;
      } catch (thrown) {
        failure ??= { thrown };
        return false;
      }
    },
    done() {
      if (failure !== undefined) throw failure.thrown;
    },
  };
});
