import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { ConfigError, effectiveConfig, parseConfig, readConfigFile } from './infrastructure/config.js';
import { sha256Hex } from './providers/tenancy.js';

/**
 * The command line: what `backupgraph` (and `npm start`) accept. Parsing never throws at the user:
 * a bad flag is one line on stderr plus the usage, exit 2.
 */

export const USAGE = `Usage: backupgraph [options]

Runs the backupgraph GraphQL gateway. Without a config file it starts in demo mode, on embedded
vendor simulators.

Commands:
  hash-key             make a new API key; prints it once and the config line with its hash

Options:
  -c, --config FILE    gateway config (YAML or JSON); default: $BACKUPGRAPH_CONFIG
      --check-config   validate the config, print it as it would run (secrets as references), exit 0 or 1
  -v, --version        print the version
  -h, --help           print this help

Environment:
  BACKUPGRAPH_CONFIG   config file, when --config is not given
  LOG_LEVEL            fatal | error | warn | info (default) | debug | trace
  PORT, HOST           demo mode only: where to listen (default 127.0.0.1:4000)
  OTEL_*               OpenTelemetry exporter settings (see README, "Tracing")
`;

export type Command = { kind: 'run'; configPath: string | undefined } | { kind: 'exit'; code: number; stdout?: string; stderr?: string };

export function parseCommandLine(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Command {
  if (args[0] === 'hash-key') return args.length === 1 ? newApiKey() : { kind: 'exit', code: 2, stderr: `backupgraph: hash-key takes no arguments\n\n${USAGE}` };
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string', short: 'c' },
        'check-config': { type: 'boolean' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    return { kind: 'exit', code: 2, stderr: `backupgraph: ${firstLine(error)}\n\n${USAGE}` };
  }
  if (values.help) return { kind: 'exit', code: 0, stdout: USAGE };
  if (values.version) return { kind: 'exit', code: 0, stdout: `backupgraph ${packageVersion()}\n` };
  const configPath = values.config ?? env.BACKUPGRAPH_CONFIG;
  if (values['check-config']) return checkConfig(configPath, env);
  return { kind: 'run', configPath };
}

function checkConfig(configPath: string | undefined, env: NodeJS.ProcessEnv): Command {
  if (!configPath) return { kind: 'exit', code: 1, stderr: 'backupgraph: --check-config needs --config FILE (or BACKUPGRAPH_CONFIG)\n' };
  try {
    const raw = readConfigFile(configPath);
    // Resolving the secrets proves every reference can be read; their values are not printed.
    parseConfig(raw, env);
    return { kind: 'exit', code: 0, stdout: `# ${configPath}: valid\n${toYaml(effectiveConfig(raw))}` };
  } catch (error) {
    if (error instanceof ConfigError) return { kind: 'exit', code: 1, stderr: `${error.problems.length > 0 ? `${configPath}: ` : ''}${error.message}\n` };
    throw error;
  }
}

/** A key from 24 random bytes; only its SHA-256 goes into the config, so the key itself is shown this once. */
function newApiKey(): Command {
  const key = `bg_${randomBytes(24).toString('base64url')}`;
  const line = `      - { sha256: "${sha256Hex(key)}", label: my-key, scopes: [read] }`;
  return {
    kind: 'exit',
    code: 0,
    stdout: `API key (shown once, stored nowhere; send as "Authorization: Bearer <key>"):\n  ${key}\n\nUnder tenants[].apiKeys in the config (set label and scopes):\n${line}\n`,
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? 'bad arguments';
}

/** From package.json, which sits one level above both src/ and dist/. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
