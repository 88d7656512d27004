/** `npm run docs:cli`: regenerates docs/cli.md. */
import { writeFileSync } from 'node:fs';
import { renderCliDoc } from './cli-doc.ts';

process.env.COLUMNS = '110';
writeFileSync(new URL('../docs/cli.md', import.meta.url), renderCliDoc());
console.log('docs/cli.md written');
