#!/usr/bin/env node
// `kdiag --version` answers without loading oclif: cold start stays close to `node -e 0`.
// Same text as oclif's version output.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === 'version')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
