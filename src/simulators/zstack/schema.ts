import type { InventoryShape } from './query.js';

/** Result key (`inventory`, `inventories`, `result`) → the class of what it holds. */
export type SchemaClasses = Readonly<Record<string, InventoryShape>>;

/**
 * The `schema` member ZStack adds to replies (JsonSchemaBuilder, zstack.md §4): JSON path → Java class of
 * every non-JDK object, recorded children first and then listed in reverse.
 */
export function buildSchema(body: Record<string, unknown>, classes: SchemaClasses): Record<string, string> {
  const entries: [string, string][] = [];
  const visit = (value: Record<string, unknown>, path: string, shape: InventoryShape) => {
    for (const [field, subShape] of Object.entries(shape.nested ?? {})) {
      const items = value[field];
      if (Array.isArray(items)) items.forEach((item, index) => visit(item as Record<string, unknown>, `${path}.${field}[${index}]`, subShape));
    }
    entries.push([path, shape.className]);
  };
  for (const [key, shape] of Object.entries(classes)) {
    const value = body[key];
    if (Array.isArray(value)) value.forEach((item, index) => visit(item as Record<string, unknown>, `${key}[${index}]`, shape));
    else if (value && typeof value === 'object') visit(value as Record<string, unknown>, key, shape);
  }
  return Object.fromEntries(entries.reverse());
}
