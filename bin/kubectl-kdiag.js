#!/usr/bin/env node
// `kubectl kdiag …`: kubectl runs the first `kubectl-kdiag` on PATH. The same CLI as bin/run.js, but
// its help, examples and hints say `kubectl kdiag` (oclif's `config.bin`, read from package.json).
import { execute } from '@oclif/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif = { ...pjson.oclif, bin: 'kubectl kdiag' };
await execute({ loadOptions: { root, pjson } });
