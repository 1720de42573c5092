import fastJson from 'fast-json-stringify';

type Schema = Record<string, unknown>;

const COMBINATORS = ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'if'];
/** Keywords that only document: they may differ between branches without changing the output. */
const ANNOTATIONS = new Set(['type', 'description', 'title', 'examples', 'default']);

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `anyOf` of plain typed branches (TypeBox's `Union([String(), Null()])`, the way every
 * nullable field is written) as one schema with a list of types. fast-json-stringify
 * serializes a type list by `typeof`, but an `anyOf` by running Ajv on the value to pick the
 * branch, date-time format checks included: about 15 µs of a 300 µs license answer. Branches
 * that overlap in any keyword but annotations keep their `anyOf`.
 */
function merged(branches: readonly Schema[]): Schema | undefined {
  const out: Schema = {};
  const types: string[] = [];
  for (const branch of branches) {
    if (typeof branch.type !== 'string' || COMBINATORS.some((k) => k in branch)) return undefined;
    if (types.includes(branch.type)) return undefined;
    types.push(branch.type);
    for (const [k, v] of Object.entries(branch)) {
      if (ANNOTATIONS.has(k)) continue;
      if (k in out) return undefined;
      out[k] = v;
    }
  }
  return { ...out, type: types };
}

/** The schema the serializer compiles: the route's schema with nullable unions as type lists. */
export function serializableSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializableSchema);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = serializableSchema(v);
  if (Array.isArray(out.anyOf) && out.anyOf.every(isSchema)) {
    const collapsed = merged(out.anyOf);
    if (collapsed) {
      const { anyOf: _anyOf, ...rest } = out;
      return { ...rest, ...collapsed };
    }
  }
  return out;
}

/** Fastify's serializer compiler (fast-json-stringify), over `serializableSchema`. */
export function compileSerializer({ schema }: { schema: unknown }): (data: unknown) => string {
  return fastJson(serializableSchema(schema) as Parameters<typeof fastJson>[0]);
}
