#!/usr/bin/env node
// The `s2s` command. TypeScript sources are loaded through tsx (no separate build step; see docs/architecture.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
