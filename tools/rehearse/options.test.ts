/**
 * @module tools/rehearse/options.test
 * The rehearsal's command line: defaults, the help text made from the same table, and the
 * refusals of malformed, out-of-range and contradictory options (before anything starts).
 */
import { describe, expect, it } from 'vitest';
import { helpText, OPTION_SPECS, parseOptions } from './options.js';

describe('rehearse - options', () => {
  it('defaults, and --help lists every option with its default', () => {
    const o = parseOptions([]);
    expect(o).toMatchObject({ users: 5_000, tickets: 1_000, maxConcurrent: 200, gateways: 0, crowdNice: 10, actorNodes: 2 });
    const help = helpText();
    for (const flag of Object.keys(OPTION_SPECS)) expect(help).toContain(`--${flag}`);
    expect(parseOptions(['--users=20_000', '--gateways', '3', '--crowd-nice', '0'])).toMatchObject({
      users: 20_000,
      gateways: 3,
      crowdNice: 0,
    });
    expect(o.wsClient).toBe('bare');
    expect(parseOptions(['--ws-client', 'page']).wsClient).toBe('page');
  });

  it('refuses malformed, out-of-range and contradictory options', () => {
    for (const [argv, message] of [
      [['--nope'], /unknown option --nope/],
      [['--users', '-1'], /not a whole number/],
      [['--users', 'many'], /not a whole number/],
      [['--abandon-queue', '1.5'], /share between 0 and 1/],
      [['--crowd-nice', '25'], /0 to 19/],
      [['--tickets', '1', '--classes', '2'], /cannot exceed/],
      [['--gateway', 'http://example.com:8080'], /loopback/],
      [['--gateway', 'http://127.0.0.1:8080', '--gateways', '2'], /need the local all-in-one/],
      [['--kill-nats-node', '3'], /needs --cluster/],
      [['--users'], /needs a value/],
      [['--ws-client', 'chrome'], /bare or page/],
    ] as const)
      expect(() => parseOptions([...argv]), argv.join(' ')).toThrow(message);
  });
});
