import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { compileSerializer, serializableSchema } from './serializer.ts';

describe('response serializer', () => {
  const schema = Type.Object({
    at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when' }),
    who: Type.Union([Type.Object({ id: Type.String() }), Type.Null()]),
    limit: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean(), Type.String()])),
    either: Type.Union([Type.Object({ a: Type.String() }), Type.Object({ b: Type.Number() })]),
  });

  it('turns nullable unions into type lists and leaves real unions alone', () => {
    const s = serializableSchema(schema) as { properties: Record<string, Record<string, unknown>> };
    expect(s.properties.at).toEqual({ type: ['string', 'null'], format: 'date-time', description: 'when' });
    expect(s.properties.who).toMatchObject({ type: ['object', 'null'], required: ['id'] });
    expect(s.properties.either).toHaveProperty('anyOf');
    expect(s.properties.either).not.toHaveProperty('type');
  });

  it('keeps unions whose branches share a keyword', () => {
    const overlapping = {
      anyOf: [
        { type: 'string', maxLength: 3 },
        { type: 'number', maxLength: 4 },
      ],
    };
    expect(serializableSchema(overlapping)).toEqual(overlapping);
    const sameType = { anyOf: [{ type: 'string', format: 'date' }, { type: 'string' }] };
    expect(serializableSchema(sameType)).toEqual(sameType);
  });

  it('serializes the same JSON as before, nulls and dates included', () => {
    const serialize = compileSerializer({ schema });
    const value = {
      at: new Date('2026-01-02T03:04:05.000Z'),
      who: { id: 'x', secret: 'not in the schema' },
      limit: { n: 1, b: true, s: 'x' },
      either: { b: 2 },
    };
    expect(JSON.parse(serialize(value))).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      who: { id: 'x' },
      limit: { n: 1, b: true, s: 'x' },
      either: { b: 2 },
    });
    expect(JSON.parse(serialize({ ...value, at: null, who: null }))).toMatchObject({ at: null, who: null });
  });
});
