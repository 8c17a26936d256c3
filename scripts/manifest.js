#!/usr/bin/env node
// Writes oclif.manifest.json after the build (what `oclif manifest` does), so `kdiag --help` and
// `kdiag --version` read command metadata from one JSON file instead of importing every command.
import { Config } from '@oclif/core';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'oclif.manifest.json');
rmSync(file, { force: true }); // a stale manifest would hide new commands
const config = await Config.load({ root });
const plugin = config.getPluginsList().find((p) => p.root === root);
writeFileSync(file, JSON.stringify(plugin.manifest, null, 2));
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
