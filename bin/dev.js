#!/usr/bin/env node
// Development entry: runs the compiled commands after `npm run build` (kept separate so a dev hook can be added).
import { execute } from '@oclif/core';

await execute({ development: true, dir: import.meta.url });
