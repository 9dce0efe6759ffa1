#!/usr/bin/env node
// Entry for `npx affect`: runs the built CLI (npm run build creates it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('affect: the application is not built yet; run `npm run build` first.');
  process.exit(1);
}
process.argv[1] = cli;
await import(cli);
