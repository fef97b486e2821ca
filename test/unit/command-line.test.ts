import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { parseCommandLine, USAGE } from '../../src/cli.js';
import { parseConfig } from '../../src/infrastructure/config.js';

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

  it('hash-key makes a new key and the config line holding its SHA-256, which the config accepts', () => {
    const command = parseCommandLine(['hash-key'], {});
    if (command.kind !== 'exit') throw new Error('hash-key runs nothing');
    expect(command.code).toBe(0);
    const key = /^\s+(bg_\S+)$/m.exec(command.stdout!)![1]!;
    const line = /^\s+- (\{ sha256: .*\})$/m.exec(command.stdout!)![1]!;
    const config = parseConfig(parseYaml(`tenants:\n  - name: acme\n    apiKeys:\n      - ${line}\n`), {});
    expect(config.tenants[0]!.apiKeys[0]!.sha256).toBe(createHash('sha256').update(key).digest('hex'));
    expect(parseCommandLine(['hash-key'], {})).not.toEqual(command);
  });

  it('--check-config refuses the shipped deploy config until its API key line is replaced, in one line saying how', () => {
    const command = parseCommandLine(['--check-config', '--config', 'deploy/config.yaml'], { ZSTACK_PASSWORD: 'x', METRICS_TOKEN: 'y' });
    expect(command).toMatchObject({ kind: 'exit', code: 1 });
    if (command.kind !== 'exit') throw new Error('unreachable');
    const problems = command.stderr!.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toEqual([expect.stringMatching(/^  - tenants\[0\]\.apiKeys\[0\]\.sha256: .*`npm run hash-key`/)]);
  });

  it('--check-config says a missing file is not there', () => {
    expect(parseCommandLine(['--check-config', '--config', 'nowhere.yaml'], {})).toEqual({ kind: 'exit', code: 1, stderr: 'config file not found: nowhere.yaml\n' });
  });
});
