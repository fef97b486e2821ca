import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, parseConfig } from '../../src/infrastructure/config.js';

/**
 * What the README and the docs/ pages tell a reader to type is real: every GraphQL operation is
 * valid against the schema, every shell command names a script, file, benchmark or flag that
 * exists, every config snippet uses only keys the config knows, every relative link leads to a file.
 * (The client programs in examples/ are run for real in readme-examples-run.test.ts.)
 */

const PAGES = ['README.md', ...readdirSync('docs').filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];
const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));
const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;

interface Block {
  page: string;
  lang: string;
  text: string;
}

const blocks: Block[] = PAGES.flatMap((page) =>
  [...readFileSync(page, 'utf8').matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((match) => ({ page, lang: match[1]!, text: match[2]! })),
);
const ofLang = (lang: string) => blocks.filter((block) => block.lang === lang);

/** Programs a reader runs that are not this repository's: their own documentation holds them. */
const EXTERNAL = new Set(['redis-server', 'ulimit', 'docker', 'openssl', 'printf', 'apt-get']);
/** Where each `npm run` script reads its `--flags`. */
const FLAG_SOURCES: Record<string, string[]> = {
  soak: ['scripts/soak.ts'],
  bench: readdirSync('bench').filter((file) => file.endsWith('.ts')).map((file) => `bench/${file}`),
  'start:prod': ['src/cli.ts'],
};

/** What is wrong with one command line, or null. */
function commandProblem(line: string): string | null {
  const words = line.replace(/\s+#.*$/, '').replace(/&$/, '').trim().split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word));
  const [program, ...args] = words;
  if (!program || EXTERNAL.has(program)) return null;
  if (program === 'npm') {
    const [verb, name, ...rest] = args;
    if (['install', 'ci', 'start', 'test'].includes(verb!)) return null;
    if (verb !== 'run') return `unknown npm verb ${verb}`;
    if (!scripts[name!]) return `no npm script ${name}`;
    const passed = rest[0] === '--' ? rest.slice(1) : [];
    if (name === 'bench' && passed[0] && !passed[0].startsWith('-')) {
      if (!readFileSync('bench/run.ts', 'utf8').includes(`'${passed[0]}'`) && !readFileSync('bench/run.ts', 'utf8').includes(`  ${passed[0]}:`)) return `no benchmark ${passed[0]}`;
    }
    for (const flag of passed.filter((word) => word.startsWith('--'))) {
      const sources = FLAG_SOURCES[name!] ?? [];
      if (!sources.some((file) => readFileSync(file, 'utf8').includes(`'${flag.slice(2)}'`) || readFileSync(file, 'utf8').includes(`${flag.slice(2)}:`))) {
        return `npm run ${name}: no flag ${flag}`;
      }
    }
    return null;
  }
  if (program === 'node' || program === 'npx') {
    const file = args.find((word) => /\.(m?js|ts)$/.test(word));
    if (!file) return `no file in ${line}`;
    // dist/ is what `npm run build` makes from src/.
    const source = file.startsWith('dist/') ? file.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts') : file;
    return existsSync(source) ? null : `no file ${file}`;
  }
  return `unknown program ${program}`;
}

describe('the README and docs/ pages', () => {
  it('are the README and at least the operations, security, live status, recovery and benchmark pages', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/operations.md', 'docs/security.md', 'docs/live-status.md', 'docs/recovery.md', 'docs/benchmarks.md']));
    expect(ofLang('graphql').length).toBeGreaterThan(8);
    expect(ofLang('sh').length).toBeGreaterThan(5);
  });

  it('hold only GraphQL operations the schema accepts', () => {
    const invalid = ofLang('graphql').flatMap((block) => validate(schema, parse(block.text)).map((error) => `${block.page}: ${error.message}`));
    expect(invalid).toEqual([]);
  });

  it('hold only shell commands that name a real script, file, benchmark or flag', () => {
    const lines = ofLang('sh').flatMap((block) =>
      block.text
        .split('\n')
        .flatMap((line) => line.split('&&'))
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => ({ page: block.page, line })),
    );
    expect(lines.length).toBeGreaterThan(8);
    expect(lines.flatMap(({ page, line }) => {
      const problem = commandProblem(line);
      return problem ? [`${page}: ${line}: ${problem}`] : [];
    })).toEqual([]);
  });

  it('hold only config snippets whose keys the config knows', () => {
    const unknown = ofLang('yaml').flatMap((block) => {
      // `tenants: [ ... ]` stands for the rest of a file, which YAML reads as the end of the document.
      let raw: unknown;
      try {
        raw = parseYaml(block.text);
      } catch (error) {
        return block.text.includes('...') ? [] : [`${block.page}: not YAML: ${(error as Error).message}`];
      }
      try {
        parseConfig(raw, {});
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.problems.filter((problem) => problem.includes('unknown key')).map((problem) => `${block.page}: ${problem}`);
      }
      return [];
    });
    expect(ofLang('yaml').length).toBeGreaterThan(5);
    expect(unknown).toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken = PAGES.flatMap((page) =>
      [...readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((match) => match[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(dirname(page), target)))
        .map((target) => `${page}: ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
