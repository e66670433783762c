// Runs the conformance scenarios (scenarios.mjs) against any `fetch` that serves the VINR API:
// `sandbox.fetch` in-process today, the local server over HTTP later. A scenario is data: steps
// of a request and the response it must get. Nothing here knows how the API is served.
//
//   await runScenario(scenario, { fetch, keys, base })
//
// Step fields:
//   key      'sk' | 'pk' | 'liveSk' | 'livePk' | '$var' | null (no Authorization header)
//   method, path ('{var}' substitutes saved values), body (object or raw string), headers
//   expect   { status | notStatus, body (partial match), headers (partial, case-insensitive) }
//   url      instead of base + path: a whole URL the API handed out ('{statementUrl}')
//   save     { var: 'dotted.path' } of the response body
//   repeat   run the step this many times (matching each response)
// A file answer (a statement, an export): expect { status, file: { contentType, startsWith } }.
// Matchers in expected bodies: '$string', '$number', '$absent', '$prefix:xyz', '$len:n'
// (array length), and '{var}' for a saved value.
import assert from 'node:assert/strict';

export async function runScenario(scenario, { fetch, keys, base = 'https://sandbox.api.vinr.com' }) {
  const vars = {
    sk: keys.test.secretKey,
    pk: keys.test.publishableKey,
    liveSk: keys.live.secretKey,
    livePk: keys.live.publishableKey,
  };
  const fill = (text) => text.replace(/\{(\w+)\}/g, (_, name) => {
    if (!(name in vars)) throw new Error(`${scenario.name}: no saved value '${name}'`);
    return vars[name];
  });
  const fillDeep = (value) => {
    if (typeof value === 'string') return fill(value);
    if (Array.isArray(value)) return value.map(fillDeep);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v)]));
    return value;
  };
  for (const [index, step] of scenario.steps.entries()) {
    const where = `${scenario.name}, step ${index + 1} (${step.method} ${step.path})`;
    const headers = { ...fillDeep(step.headers ?? {}) };
    const keyName = step.key === undefined ? 'sk' : step.key;
    if (keyName !== null) headers.Authorization = `Bearer ${keyName.startsWith('$') ? vars[keyName.slice(1)] : vars[keyName]}`;
    let body;
    if (typeof step.body === 'string') body = step.body;
    else if (step.body !== undefined) {
      body = JSON.stringify(fillDeep(step.body));
      headers['Content-Type'] = 'application/json';
    }
    for (let n = 0; n < (step.repeat ?? 1); n++) {
      const target = step.url === undefined ? `${base}${fill(step.path)}` : fill(step.url);
      const response = await fetch(target, { method: step.method, headers, body });
      const expectedFile = step.expect?.file;
      if (expectedFile !== undefined) {
        assert.equal(response.status, step.expect.status ?? 200, `${where}: status ${response.status}`);
        assert.equal(response.headers.get('content-type'), expectedFile.contentType, `${where}: content type`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        const prefix = new TextDecoder('latin1').decode(bytes.subarray(0, expectedFile.startsWith.length));
        assert.equal(prefix, expectedFile.startsWith, `${where}: the file starts with ${expectedFile.startsWith}`);
        continue;
      }
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        assert.fail(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
      }
      const expect = step.expect ?? { status: 200 };
      if (expect.notStatus !== undefined) {
        assert.notEqual(response.status, expect.notStatus, `${where}: status ${response.status}, body ${text.slice(0, 400)}`);
      } else {
        assert.equal(response.status, expect.status ?? 200, `${where}: status ${response.status}, body ${text.slice(0, 400)}`);
      }
      if (response.status >= 400) {
        assert.equal(typeof json.error?.code, 'string', `${where}: an error answer has the envelope`);
        assert.match(json.error.requestId ?? '', /^req_/, `${where}: the envelope names the request`);
      }
      for (const event of eventsIn(json)) {
        // The generated `Event` type narrows `data` by the type's prefix (ts_types.rs).
        assert.equal(event.data?.object, event.type.split('.')[0], `${where}: ${event.type} carries a ${event.data?.object}`);
      }
      if (expect.body) match(json, fillDeep(expect.body), `${where}: body`);
      for (const [name, value] of Object.entries(expect.headers ?? {})) {
        assert.equal(response.headers.get(name), value === null ? null : fill(String(value)), `${where}: header ${name}`);
      }
      for (const [name, path] of Object.entries(step.save ?? {})) {
        const value = path.split('.').reduce((v, k) => v?.[k], json);
        assert.notEqual(value, undefined, `${where}: nothing at ${path} to save as ${name}`);
        vars[name] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
  }
}

/** The events in an answer: one event, or a page of them. */
function eventsIn(json) {
  if (json?.object === 'event') return [json];
  if (json?.object === 'list') return json.data.filter((item) => item?.object === 'event');
  return [];
}

function match(actual, expected, where) {
  if (typeof expected === 'string' && expected.startsWith('$')) {
    if (expected === '$string') return assert.equal(typeof actual, 'string', where);
    if (expected === '$number') return assert.equal(typeof actual, 'number', where);
    if (expected === '$absent') return assert.equal(actual, undefined, where);
    if (expected.startsWith('$prefix:')) return assert.ok(typeof actual === 'string' && actual.startsWith(expected.slice(8)), `${where}: ${actual} should start with ${expected.slice(8)}`);
    if (expected.startsWith('$len:')) return assert.equal(actual?.length, Number(expected.slice(5)), `${where}: length`);
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal(actual.length, expected.length, `${where}: array length`);
    expected.forEach((e, i) => match(actual[i], e, `${where}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) match(actual[k], v, `${where}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, where);
}
