// Issue #19: `--report FILE.html` is one self-contained page, loaded here in headless Chromium (Debian's
// chromium, installed by .ci/run) with network off: verdict, node grid, click for a node's findings.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { kdiag, ROOT } from '../helpers/cli.js';
import { withSim } from '../helpers/sim.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'kdiag-report-'));
// The README's screenshot is refreshed only when asked (KDIAG_UPDATE_SCREENSHOTS=1), so a test run
// leaves the work tree clean.
const SHOT = process.env.KDIAG_UPDATE_SCREENSHOTS ? join(ROOT, 'docs/images/report.png') : join(dir, 'report.png');

describe('doctor --report FILE.html', () => {
  test('a broken scenario: verdict, one cell per node coloured by status, node findings on click', async () => {
    const file = join(dir, 'doctor.html');
    await withSim('bpf-programs-not-loaded', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', '--report', file], { sim });
      expect(r.exitCode).toBe(1);
    });
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//); // nothing fetched at view time

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      expect(await page.textContent('#verdict')).toContain('[bpf-programs-not-loaded]');
      const cells = page.locator('#grid .cell');
      expect(await cells.count()).toBe(5);
      const failCells = page.locator('#grid .cell[data-status="fail"]');
      const failing: (string | null)[] = [];
      for (let i = 0; i < (await failCells.count()); i++)
        failing.push(await failCells.nth(i).getAttribute('data-node'));
      expect(failing).toEqual(['node-2', 'node-4']);
      await page.click('#grid .cell[data-node="node-4"]');
      expect(await page.textContent('#node-detail')).toContain('bpf-programs/none-loaded');
      await page.screenshot({ path: SHOT, fullPage: true });
    } finally {
      await browser.close();
    }
    expect(existsSync(SHOT)).toBe(true);
  }, 120_000);
});

describe('--report FILE.md and $GITHUB_STEP_SUMMARY', () => {
  test('preflight writes Markdown to --report and appends it to the step summary', async () => {
    const md = join(dir, 'preflight.md');
    const summary = join(dir, 'step-summary.md');
    await withSim('bpf-programs-not-loaded', async (sim) => {
      const r = await kdiag(['preflight', '--report', md], { sim, env: { GITHUB_STEP_SUMMARY: summary } });
      expect(r.exitCode).toBe(1);
    });
    for (const f of [md, summary]) {
      const text = readFileSync(f, 'utf8');
      expect(text).toContain('**VERDICT: preflight failed**');
      expect(text).toContain('`bpf-programs/none-loaded`');
    }
  }, 120_000);

  test('a report file that is neither .html nor .md is an input error (exit 2)', async () => {
    const r = await kdiag(['doctor', 'clusterip', '--report', join(dir, 'x.pdf')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('must end in .html or .md');
  });
});
