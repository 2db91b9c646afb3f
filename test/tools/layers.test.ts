/**
 * @module test/tools/layers.test
 * The import rules (`.dependency-cruiser.cjs`) catch what they promise: a small tree with one
 * violation of each rule is cruised with the project's own configuration, and every rule fires on
 * exactly its violation and nowhere else; the allowed imports of the same tree pass.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tb-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  'package.json': JSON.stringify({ name: 'fixture', type: 'module' }),
  // Allowed: front doors, downward imports, the composition root importing everything.
  'contracts/index.ts': "export * from './codec.js';\n",
  'contracts/codec.ts': 'export const codec = 1;\n',
  'contracts/kinds/order.ts': "import { codec } from '../index.js';\nexport const order = codec;\n",
  'db/index.ts': "import { codec } from '../contracts/index.js';\nexport const db = codec;\n",
  'actors/index.ts': "export { runtime } from './runtime/index.js';\n",
  'actors/runtime/index.ts': "export { runtime } from './store.js';\n",
  'actors/runtime/store.ts': "import { order } from '../../contracts/kinds/order.js';\nexport const runtime = order;\n",
  'actors/order/index.ts': "import { runtime } from '../runtime/index.js';\nexport const kind = runtime;\n",
  'gateway/index.ts': "import { db } from '../db/index.js';\nexport const gateway = db;\n",
  'app/index.ts':
    "import { gateway } from '../gateway/index.js';\nimport { kind } from '../actors/order/index.js';\nexport const app = [gateway, kind];\n",
  'test/any.test.ts': "import { runtime } from '../actors/runtime/store.js';\nexport const t = runtime;\n",
  // One violation each.
  'contracts/bad-up.ts': "import { db } from '../db/index.js';\nexport const x = db;\n",
  'contracts/bad-io.ts': "import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n",
  'orders/index.ts': "import { codec } from '../contracts/codec.js';\nexport const orders = codec;\n",
  'db/bad-layer.ts': "import { gateway } from '../gateway/index.js';\nexport const z = gateway;\n",
  'actors/runtime/bad-kind.ts': "import { kind } from '../order/index.js';\nexport const k = kind;\n",
  'actors/order/bad-deep.ts': "import { runtime } from '../runtime/store.js';\nexport const r = runtime;\n",
  'payments/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
  'payments/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  'platform/bad.ts': "import { runtime } from '../actors/index.js';\nexport const p = runtime;\n",
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('layer and import rules', () => {
  it('each rule fires on its violation, and only there', async () => {
    const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const out = await run(process.execPath, [cli, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json', '.'], {
      cwd: dir,
      maxBuffer: 16 << 20,
    }).catch((err: { stdout: string }) => err);
    const report = JSON.parse(out.stdout) as { summary: { violations: Violation[] } };
    const found = report.summary.violations.map((v) => `${v.rule.name.replace(/-exception-\d+$/, '')}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual(
      [
        'contracts-imports-only-contracts: contracts/bad-up.ts -> db/index.ts',
        'layer-contracts: contracts/bad-up.ts -> db/index.ts',
        'contracts-no-io: contracts/bad-io.ts -> fs',
        'front-door: orders/index.ts -> contracts/codec.ts',
        'layer-db-platform: db/bad-layer.ts -> gateway/index.ts',
        'runtime-below-kinds: actors/runtime/bad-kind.ts -> actors/order/index.ts',
        'kinds-use-runtime-front-door: actors/order/bad-deep.ts -> actors/runtime/store.ts',
        'no-circular: payments/a.ts -> payments/b.ts', // a cycle is reported once
        'layer-db-platform: platform/bad.ts -> actors/index.ts',
      ].sort(),
    );
  }, 120_000);
});
