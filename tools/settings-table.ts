/**
 * @module tools/settings-table
 * Prints the README's settings table from the one registry in `config/index.ts`
 * (`npx tsx tools/settings-table.ts`); `config/index.test.ts` checks the README lists them all.
 */
import { SETTINGS } from '../config/index.js';

console.log('| variable | default | meaning |');
console.log('| --- | --- | --- |');
for (const s of Object.values(SETTINGS)) console.log(`| \`${s.env}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} | ${s.doc.replace(/\|/g, '\\|')} |`);
