/**
 * @module tools/settings-table
 * The README's settings table and ports table, generated from the one schema in
 * `config/index.ts` and the port table in `platform/ports.ts`:
 * `npx tsx tools/settings-table.ts` prints them; `--write` puts them into the README between
 * the `settings:begin`/`settings:end` and `ports:begin`/`ports:end` markers.
 * `config/index.test.ts` checks the README lists every setting and every port.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SETTINGS } from '../config/index.js';
import { ADMIN_PORTS, INSTANCE_STRIDE } from '../platform/ports.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map(
    (s) => `| \`${s.env}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} | ${cell(s.doc)} |`,
  );
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function portsTable(): string {
  const rows = Object.entries(ADMIN_PORTS).map(
    ([kind, port]) => `| \`${kind}\` | ${port} | ${port + INSTANCE_STRIDE}, ${port + 2 * INSTANCE_STRIDE}, … |`,
  );
  return ['| process (`service` log field) | admin port (TB_INSTANCE=0) | TB_INSTANCE=1, 2, … |', '| --- | --- | --- |', ...rows].join(
    '\n',
  );
}

function replaceBetween(text: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README has no ${begin} … ${end} block`);
  return `${text.slice(0, a + begin.length)}\n${body}\n${text.slice(b)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    const url = new URL('../README.md', import.meta.url);
    const text = readFileSync(url, 'utf8');
    writeFileSync(url, replaceBetween(replaceBetween(text, 'settings', settingsTable()), 'ports', portsTable()));
  } else {
    console.log(settingsTable());
    console.log();
    console.log(portsTable());
  }
}
