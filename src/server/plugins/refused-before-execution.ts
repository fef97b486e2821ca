import { Kind, Lexer, parse, Source, TokenKind, type OperationDefinitionNode } from 'graphql';
import { rootFieldsOf } from '../../providers/access.js';

/**
 * What a request refused before it ran (unparsable, invalid, too deep, a mutation over GET, a
 * document of several operations without a name) tried to do, for the audit log: the mutation
 * fields it named, or null when it was no mutation. Only what the audit needs; nothing is run.
 */

/** Unknown root fields: the document did not parse, but it begins a mutation. */
export const UNPARSED = '(unparsed)';

export function mutationFieldsOf(query: string, operationName: string | null | undefined): string[] | null {
  let document;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return beginsMutation(query) ? [UNPARSED] : null;
  }
  const mutations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'mutation');
  const chosen = operationName ? mutations.filter((m) => m.name?.value === operationName) : mutations;
  // A name that picks no mutation while the document holds some: which one was meant is unknown, so all are named.
  const named = chosen.length > 0 || !operationName ? chosen : mutations;
  const fields = named.flatMap((operation) => rootFieldsOf(document, operation)).filter((name) => name !== '__typename');
  return named.length > 0 ? fields : null;
}

/** Does an unparsable document have `mutation` where an operation begins (outside every brace)? */
function beginsMutation(query: string): boolean {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (token.kind === TokenKind.BRACE_L) depth += 1;
      else if (token.kind === TokenKind.BRACE_R) depth -= 1;
      else if (depth === 0 && token.kind === TokenKind.NAME && token.value === 'mutation') return true;
    }
  } catch {
    // Lexing stops at the first bad character: what came before has been seen.
  }
  return false;
}
