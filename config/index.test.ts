import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS, loadConfig } from './index.js';

describe('config - settings', () => {
  it('has a default for every setting, and the README lists every variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const missing = Object.values(SETTINGS).map((s) => s.env).filter((env) => !readme.includes(`\`${env}\``));
    expect(missing).toEqual([]);
    expect(() => loadConfig({})).not.toThrow();
  });

  it('refuses a non-integer where a number is expected, naming the variable', () => {
    expect(() => loadConfig({ TB_PARTITIONS: 'many' })).toThrow(/TB_PARTITIONS/);
  });

  it('reads the environment and lets overrides win', () => {
    expect(loadConfig({ TB_PARTITIONS: '8' }).partitions).toBe(8);
    expect(loadConfig({ TB_PARTITIONS: '8' }, { partitions: 4 }).partitions).toBe(4);
  });
});
