/**
 * @module tools/errors-doc
 * Regenerates `docs/errors.md` from the registry (`npx tsx tools/errors-doc.ts`): the area
 * headings come from the `// --- area ---` comments of `contracts/errors.ts`, the facts from
 * `ErrorCodes`. `contracts/errors.test.ts` fails when the two drift apart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ErrorCodes, type ErrorCode } from '../contracts/index.js';

const source = readFileSync(new URL('../contracts/errors.ts', import.meta.url), 'utf8');
const out: string[] = [
  '# Error codes',
  '',
  'Every error that crosses a process boundary carries one of these codes: on NATS in the reply',
  'body `{ code, message, retryable, details? }` plus the headers `tb-error-code`,',
  '`Nats-Service-Error-Code` (the HTTP status) and `Nats-Service-Error`; over HTTP as',
  '`{ "error": { code, message, retryable, details } }` with the HTTP status below. `retryable`',
  'means: retrying **with the same command id** may succeed (the first answer is returned if the',
  'command had in fact been applied). Codes are stable: clients and tools may branch on them.',
  'The registry is `contracts/errors.ts`; this page is generated from it by',
  '`npx tsx tools/errors-doc.ts`, and `contracts/errors.test.ts` keeps the two in step.',
  '',
];
for (const line of source.split('\n')) {
  const area = /^\s*\/\/ --- (.*?)(?: ---)?\s*$/.exec(line);
  if (area) {
    const title = area[1]!;
    out.push(
      '',
      `## ${title[0]!.toUpperCase()}${title.slice(1)}`,
      '',
      '| code | HTTP | retryable | message |',
      '| --- | --- | --- | --- |',
    );
    continue;
  }
  // `// doc: …` lines become a paragraph of the document under the area's table.
  const note = /^\s*\/\/ doc: (.*)$/.exec(line);
  if (note) {
    if (out.at(-1)?.startsWith('|')) out.push('');
    out.push(note[1]!);
    continue;
  }
  const key = /^\s*([A-Z][A-Z0-9_]+):\s*\{/.exec(line);
  if (key && key[1]! in ErrorCodes) {
    const spec = ErrorCodes[key[1] as ErrorCode];
    out.push(`| \`${spec.code}\` | ${spec.status} | ${spec.retryable ? 'yes' : 'no'} | ${spec.message.replace(/\|/g, '\\|')} |`);
  }
}
writeFileSync(new URL('../docs/errors.md', import.meta.url), `${out.join('\n')}\n`);
console.log(`docs/errors.md: ${Object.keys(ErrorCodes).length} codes`);
