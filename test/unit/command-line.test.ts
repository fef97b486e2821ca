import { describe, expect, it } from 'vitest';
import { parseCommandLine, USAGE } from '../../src/cli.js';

describe('parseCommandLine', () => {
  it('runs with --config, -c or BACKUPGRAPH_CONFIG, and in demo mode with none', () => {
    expect(parseCommandLine(['--config', 'a.yaml'], {})).toEqual({ kind: 'run', configPath: 'a.yaml' });
    expect(parseCommandLine(['-c', 'b.yaml'], {})).toEqual({ kind: 'run', configPath: 'b.yaml' });
    expect(parseCommandLine([], { BACKUPGRAPH_CONFIG: 'env.yaml' })).toEqual({ kind: 'run', configPath: 'env.yaml' });
    expect(parseCommandLine([], {})).toEqual({ kind: 'run', configPath: undefined });
  });

  it('answers --help and -h with the usage, exit 0', () => {
    expect(parseCommandLine(['-h'], {})).toEqual({ kind: 'exit', code: 0, stdout: USAGE });
  });

  it('turns a positional argument or a flag without its value into one line and the usage, exit 2', () => {
    for (const args of [['serve'], ['--config']]) {
      const command = parseCommandLine(args, {});
      expect(command).toMatchObject({ kind: 'exit', code: 2 });
      if (command.kind !== 'exit') throw new Error('unreachable');
      expect(command.stderr!.split('\n')[0]).toMatch(/^backupgraph: /);
      expect(command.stderr).toContain(USAGE);
    }
  });

  it('asks --check-config for a file to check', () => {
    expect(parseCommandLine(['--check-config'], {})).toMatchObject({ kind: 'exit', code: 1, stderr: expect.stringContaining('needs --config FILE') });
  });
});
