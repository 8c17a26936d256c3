// Issue #19: the JUnit testsuite carries `timestamp`, `time` and `hostname`, as the strict Ant schema requires.
import { hostname } from 'node:os';
import { kdiag } from '../helpers/cli.js';
import { withSim } from '../helpers/sim.js';

test('preflight -o junit: <testsuite> has hostname, timestamp and time', async () => {
  await withSim('healthy', async (sim) => {
    const r = await kdiag(['preflight', '-o', 'junit'], { sim });
    expect(r.exitCode).toBe(0);
    const suite = /<testsuite [^>]*>/.exec(r.stdout)?.[0] ?? '';
    expect(suite).toContain(`hostname="${hostname()}"`);
    expect(suite).toMatch(/ timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect(suite).toMatch(/ time="\d+(\.\d+)?"/);
  });
}, 120_000);
