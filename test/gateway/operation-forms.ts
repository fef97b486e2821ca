import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * One operation written the ways users write it, built from the schema alone: the same root field
 * with the same argument values as literals, as one variable per argument (named as the argument,
 * and named otherwise), as variables nested in input-object literals, and aliased. Pure: the test
 * supplies the values and runs the forms.
 */

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface RootField {
  operation: OperationType;
  field: GraphQLField<unknown, unknown>;
}

export interface OperationForm {
  name: 'literals' | 'variables' | 'renamed variables' | 'nested variables' | 'aliased';
  query: string;
  variables: Record<string, unknown>;
  /** Where the field's answer is in `data`. */
  responseKey: string;
}

export const ALIAS = 'aliasedField';

/** Every root field that takes arguments, on Query, Mutation and Subscription. */
export function rootFieldsWithArguments(schema: GraphQLSchema): RootField[] {
  const roots: [OperationType, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([operation, type]) =>
    Object.values(type?.getFields() ?? {})
      .filter((field) => field.args.length > 0)
      .map((field) => ({ operation, field })),
  );
}

/** The forms of `operation { field(args) { selection } }` for these argument values. */
export function operationForms(root: RootField, values: Record<string, unknown>, selection: string): OperationForm[] {
  const { operation, field } = root;
  const args = field.args.filter((arg) => values[arg.name] !== undefined);
  const write = (key: string, argText: string, declarations: string[]) => {
    const head = declarations.length > 0 ? `${operation} Conformance(${declarations.join(', ')})` : `${operation} Conformance`;
    const call = args.length > 0 ? `${field.name}(${argText})` : field.name;
    return `${head} { ${key === field.name ? '' : `${key}: `}${call} ${selection} }`;
  };
  const literalArgs = args.map((arg) => `${arg.name}: ${literal(values[arg.name], arg.type)}`).join(', ');

  const plain = args.map((arg) => ({ name: arg.name, type: arg.type, value: values[arg.name] }));
  const oneVariableEach = (variableName: (argument: string) => string) => ({
    query: write(field.name, plain.map((v) => `${v.name}: $${variableName(v.name)}`).join(', '), plain.map((v) => `$${variableName(v.name)}: ${String(v.type)}`)),
    variables: Object.fromEntries(plain.map((v) => [variableName(v.name), v.value])),
    responseKey: field.name,
  });
  const nested = args.map((arg) => nestedVariables(arg, values[arg.name]));
  return [
    { name: 'literals', query: write(field.name, literalArgs, []), variables: {}, responseKey: field.name },
    { name: 'variables', ...oneVariableEach((argument) => argument) },
    // `filter: $f`: a value reaches its argument through the document, not by a coincidence of names.
    { name: 'renamed variables', ...oneVariableEach((argument) => `${argument}Value`) },
    {
      name: 'nested variables',
      query: write(
        field.name,
        nested.map((n, index) => `${args[index]!.name}: ${n.text}`).join(', '),
        nested.flatMap((n) => n.variables.map((v) => `$${v.name}: ${String(v.type)}`)),
      ),
      variables: Object.fromEntries(nested.flatMap((n) => n.variables.map((v) => [v.name, v.value]))),
      responseKey: field.name,
    },
    { name: 'aliased', query: write(ALIAS, literalArgs, []), variables: {}, responseKey: ALIAS },
  ];
}

interface Variable {
  name: string;
  type: GraphQLInputType;
  value: unknown;
}

/**
 * An argument of input-object type as an object literal whose leaves are variables (lists of input
 * objects as list literals of such objects); any other argument as one variable. Variables are
 * named after their place (`$v_filter_ids`), never after the argument, so that a value reaches its
 * argument through the document and not by a coincidence of names.
 */
function nestedVariables(arg: GraphQLArgument, value: unknown): { text: string; variables: Variable[] } {
  const variables: Variable[] = [];
  const walk = (type: GraphQLInputType, current: unknown, path: string): string => {
    const nullable = getNullableType(type);
    if (isInputObjectType(nullable) && isRecord(current)) {
      const fields = nullable.getFields();
      return `{ ${Object.entries(current)
        .map(([key, item]) => `${key}: ${walk(fields[key]!.type, item, `${path}_${key}`)}`)
        .join(', ')} }`;
    }
    if (isListType(nullable) && isInputObjectType(getNamedType(nullable)) && Array.isArray(current)) {
      return `[${current.map((item, index) => walk(nullable.ofType as GraphQLInputType, item, `${path}_${index}`)).join(', ')}]`;
    }
    variables.push({ name: path, type, value: current });
    return `$${path}`;
  };
  return { text: walk(arg.type, value, `v_${arg.name}`), variables };
}

/** A value as a GraphQL literal of its type (a custom scalar's object value as an untyped object literal). */
export function literal(value: unknown, type: GraphQLInputType | null): string {
  const nullable = type && getNullableType(type);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : null)).join(', ')}]`;
  if (nullable && isEnumType(nullable)) return String(value);
  if (isRecord(value)) {
    const fields = nullable && isInputObjectType(nullable) ? nullable.getFields() : {};
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${literal(item, fields[key]?.type ?? null)}`)
      .join(', ')} }`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * A selection of a type down to `depth` levels: its leaf fields (those without required arguments,
 * minus `skip`), objects below as their selections, interfaces as `__typename` and their own
 * fields, unions as `__typename` and a fragment per member. Fields that two members give different
 * types are aliased `<Type>_<field>` (one selection may not merge them). At the last level an object is selected by
 * its id, or left out.
 */
export function selectionOf(schema: GraphQLSchema, type: GraphQLNamedType, depth: number, skip: ReadonlySet<string>, conflicting: ReadonlySet<string> = new Set()): string | null {
  if (isLeafType(type)) return '';
  if (isUnionType(type)) {
    const possibleTypes = type.getTypes();
    const fieldTypes = new Map<string, Set<string>>();
    for (const possible of possibleTypes) {
      for (const field of Object.values(possible.getFields())) fieldTypes.set(field.name, (fieldTypes.get(field.name) ?? new Set()).add(String(field.type)));
    }
    const clashes = new Set([...fieldTypes].filter(([, types]) => types.size > 1).map(([name]) => name));
    const fragments = possibleTypes
      .map((possible) => [possible.name, selectionOf(schema, possible, depth, skip, clashes)] as const)
      .filter(([, inner]) => inner)
      .map(([name, inner]) => `... on ${name} ${inner}`);
    return `{ __typename ${fragments.join(' ')} }`;
  }
  if (!isObjectType(type) && !isInterfaceType(type)) return null;
  const typename = isInterfaceType(type) ? '__typename ' : '';
  const fields = Object.values(type.getFields()).filter(
    (field) => !skip.has(field.name) && !field.name.startsWith('_') && field.args.every((arg) => !isNonNullType(arg.type)),
  );
  const selected = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    const name = conflicting.has(field.name) ? `${type.name}_${field.name}: ${field.name}` : field.name;
    if (isLeafType(named)) return [name];
    if (depth <= 1) return (isObjectType(named) || isInterfaceType(named)) && named.getFields().id ? [`${name} { id }`] : [];
    const inner = selectionOf(schema, named, depth - 1, skip);
    return inner ? [`${name} ${inner}`] : [];
  });
  return selected.length > 0 ? `{ ${typename}${selected.join(' ')} }` : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
