import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

describe.each([
  { fieldSuggestions: undefined, shown: false },
  { fieldSuggestions: true, shown: true },
])('field suggestions (server.fieldSuggestions: $fieldSuggestions)', ({ fieldSuggestions, shown }) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ zstack: false, extra: { server: { port: 0, host: '127.0.0.1', ...(fieldSuggestions === undefined ? {} : { fieldSuggestions }) } } });
  });
  afterAll(() => stack.close());

  it(shown ? 'are given when chosen (demo mode chooses them)' : 'are off in a configured gateway by default', async () => {
    const answer = await stack.graphql('{ volumez(first: 1) { edges { node { id } } } }');
    const message = answer.body.errors?.[0]?.message ?? '';
    expect(message).toContain('Cannot query field "volumez"');
    if (shown) expect(message).toContain('Did you mean "volume');
    else expect(message).not.toContain('Did you mean');
  });
});
