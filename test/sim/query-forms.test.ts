// Raw HTTPS requests with the query forms other clients send (the Python client's `watch=True`, curl's
// `follow=1`): booleans read the way apimachinery reads them, and the secure port refuses plain HTTP.
import { connect } from 'node:net';
import { agentPods, scenario, simulator, type SimHandle } from '../helpers/sim.js';
import { rawRequest } from './helpers.js';

let sim: SimHandle;

beforeAll(async () => {
  sim = await simulator(scenario({ description: 'query forms', count: 2 }));
});
afterAll(async () => {
  await sim?.stop();
});

const logPath = (): string => {
  const pod = agentPods(sim)[0]!;
  return `/api/v1/namespaces/kube-system/pods/${pod.metadata.name}/log?container=cilium-agent`;
};

test.each(['True', 'true', '1', 't', 'yes', ''])('watch=%s is a watch stream', async (v) => {
  const r = await rawRequest(sim, `/api/v1/nodes?watch=${v}&timeoutSeconds=1`);
  expect(r.status).toBe(200);
  const first = JSON.parse(r.body.split('\n')[0]!) as { type: string; object: { kind: string } };
  expect(first.type).toBe('ADDED');
  expect(first.object.kind).toBe('Node');
});

test.each(['0', 'false', 'False', 'FALSE'])('watch=%s is a list', async (v) => {
  const r = await rawRequest(sim, `/api/v1/nodes?watch=${v}`);
  expect(r.status).toBe(200);
  expect((JSON.parse(r.body) as { kind: string }).kind).toBe('NodeList');
});

test.each(['1', 'True'])('follow=%s streams the log (no content-length); follow=false answers it whole', async (v) => {
  const whole = await rawRequest(sim, `${logPath()}&follow=false`);
  expect(whole.headers['content-length']).toBeDefined();
  const streamed = await rawRequest(sim, `${logPath()}&follow=${v}`, { closeAfterMs: 500 });
  expect(streamed.status).toBe(200);
  expect(streamed.headers['content-length']).toBeUndefined();
  expect(streamed.headers['transfer-encoding']).toBe('chunked');
});

test('previous=TRUE asks for the previous container, which a fresh agent does not have', async () => {
  const pod = agentPods(sim)[0]!;
  const r = await rawRequest(sim, `${logPath()}&previous=TRUE`);
  expect(r.status).toBe(400);
  expect(JSON.parse(r.body)).toMatchObject({
    kind: 'Status',
    reason: 'BadRequest',
    message: `previous terminated container "cilium-agent" in pod "${pod.metadata.name}" not found`,
  });
});

test('timestamps=t prefixes each line with the kubelet timestamp', async () => {
  const r = await rawRequest(sim, `${logPath()}&timestamps=t&tailLines=3`);
  expect(r.status).toBe(200);
  const lines = r.body.trim().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
});

test('plain HTTP on the TLS port gets Go net/http 400 and never reaches the API', async () => {
  const before = sim.stats().requests;
  const answer = await new Promise<string>((resolve, reject) => {
    const s = connect(sim.port, '127.0.0.1', () => {
      s.write(
        `GET /api/v1/namespaces/kube-system/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${sim.token}\r\n\r\n`,
      );
    });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
  });
  expect(answer).toBe('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
  expect(sim.stats().requests).toBe(before);
});
