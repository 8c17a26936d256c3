// --report FILE: the format from the extension (.html or .md), written atomically (temp file, rename).
import { rename, writeFile } from 'node:fs/promises';
import { KdiagError, oneLine } from '../errors.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';

export function reportFormat(file: string): 'html' | 'md' {
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.(md|markdown)$/i.test(file)) return 'md';
  throw new KdiagError('usage', `--report ${file}: the file must end in .html or .md`);
}

export async function writeReport(file: string, r: Report): Promise<void> {
  const text = reportFormat(file) === 'html' ? renderHtml(r) : renderMarkdown(r);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    throw new KdiagError('config', `cannot write --report ${file}: ${oneLine(e)}`);
  }
}

/** GitHub Actions' job summary: appended, as the runner expects. */
export async function appendStepSummary(file: string, r: Report): Promise<void> {
  try {
    await writeFile(file, renderMarkdown(r) + '\n', { flag: 'a' });
  } catch (e) {
    throw new KdiagError('config', `cannot write $GITHUB_STEP_SUMMARY ${file}: ${oneLine(e)}`);
  }
}
