import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import * as t from 'io-ts';
import { RegisterBody } from '../../../src/adapters/http/auth/auth.codecs';
import { MfaLoginBody } from '../../../src/adapters/http/auth/mfa.codecs';
import { DateTimeString, IntFromQuery, ObjectIdString, oneOf, Str, strictObject } from '../../../src/adapters/http/decode';
import { API_ROUTES } from '../../../src/adapters/http/openapi/api-routes';
import { buildOpenApiDocument } from '../../../src/adapters/http/openapi/document';
import { annotate, type JsonSchema, toJsonSchema } from '../../../src/adapters/http/openapi/json-schema';
import { UserView } from '../../../src/adapters/http/openapi/views';
import { presentUser } from '../../../src/adapters/http/users/users.presenter';
import { arbitraryFromCodec } from '../../fuzz/arbitraries-from-codec';
import { aUser } from '../../support/builders/user.builder';

const ajv = (): Ajv2020 => {
  const a = new Ajv2020({ strict: true, allErrors: true });
  addFormats(a);
  return a;
};

describe('unit :: OpenAPI :: io-ts to JSON Schema', () => {
  it('describes io-ts combinators by their _tag', () => {
    const Brand = t.brand(t.number, (n): n is t.Branded<number, { readonly Positive: unique symbol }> => n > 0, 'Positive');
    const codec = t.intersection([
      t.type({ a: t.string, b: t.union([t.number, t.null]), c: t.literal('x'), d: t.keyof({ p: null, q: null }), e: t.array(t.boolean), f: Brand }),
      t.partial({ g: t.tuple([t.string, t.number]), h: t.record(t.string, t.unknown), i: t.exact(t.type({ j: t.null })) }),
    ]);
    expect(toJsonSchema(codec)).to.deep.equal({
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: ['number', 'null'] },
        c: { const: 'x' },
        d: { type: 'string', enum: ['p', 'q'] },
        e: { type: 'array', items: { type: 'boolean' } },
        f: { type: 'number' },
        g: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], minItems: 2, maxItems: 2 },
        h: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} },
        i: { type: 'object', properties: { j: { type: 'null' } }, required: ['j'], additionalProperties: false },
      },
      required: ['a', 'b', 'c', 'd', 'e', 'f'],
    });
  });

  it("describes the project's own codecs: lengths, ranges, ids, enums, date-times, closed objects", () => {
    const codec = strictObject('X', { s: Str(10), id: ObjectIdString, at: DateTimeString }, { n: IntFromQuery(1, 5), o: oneOf(['asc', 'desc'] as const) });
    expect(toJsonSchema(codec)).to.deep.equal({
      type: 'object',
      properties: {
        s: { type: 'string', maxLength: 10 },
        id: { type: 'string', pattern: '^[0-9a-fA-F]{24}$', description: 'A 24-character hex id' },
        at: { type: 'string', format: 'date-time', description: 'ISO 8601 date-time with a zone (a date that does not exist is refused)' },
        n: { type: 'integer', minimum: 1, maximum: 5 },
        o: { type: 'string', enum: ['asc', 'desc'] },
      },
      required: ['s', 'id', 'at'],
      additionalProperties: false,
    });
  });

  it('takes an annotation over the structure, and refuses a codec it cannot describe', () => {
    const Slug = annotate(t.refinement(t.string, (s) => /^[a-z-]+$/.test(s), 'Slug'), { type: 'string', pattern: '^[a-z-]+$' });
    expect(toJsonSchema(t.type({ slug: Slug }))).to.deep.equal({ type: 'object', properties: { slug: { type: 'string', pattern: '^[a-z-]+$' } }, required: ['slug'] });
    const opaque = new t.Type<string, string, unknown>('Mystery Thing', (u): u is string => typeof u === 'string', (u, c) => t.failure(u, c), t.identity);
    expect(() => toJsonSchema(opaque)).to.throw(/cannot describe the codec "Mystery Thing"/);
  });

  it('accepts every request body, query and path value the codecs accept (property)', () => {
    const a = ajv();
    for (const route of API_ROUTES) {
      for (const [part, codec] of [['params', route.params], ['body', route.body]] as const) {
        if (!codec) continue;
        const schema = toJsonSchema(codec);
        const validate = a.compile(schema);
        if (Object.keys((schema['properties'] as object | undefined) ?? { x: 1 }).length === 0) {
          // A body of no fields (the fuzzer has nothing to derive): `{}` is the one value.
          expect(E.isRight(codec.decode({})) && validate({}), `${route.method} ${route.path} ${part}`).to.equal(true);
          continue;
        }
        fc.assert(
          fc.property(arbitraryFromCodec(codec), (value) => {
            if (E.isLeft(codec.decode(value))) return; // the fuzzer's values are mostly, not always, accepted
            if (!validate(value)) throw new Error(`${route.method} ${route.path} ${part}: ${JSON.stringify(value)} is accepted by ${codec.name} but not by its schema: ${a.errorsText(validate.errors)}`);
          }),
          { numRuns: 60, seed: 11 },
        );
      }
    }
  });

  it('refuses what a closed codec refuses: an unknown field, both alternatives of exactly-one-of', () => {
    const a = ajv();
    const register = a.compile(toJsonSchema(RegisterBody));
    expect(register({ name: 'Ada', email: 'ada@example.com', password: 'x', admin: true })).to.equal(false);
    const mfa = a.compile(toJsonSchema(MfaLoginBody));
    expect(mfa({ mfaToken: 't', code: '123456' })).to.equal(true);
    expect(mfa({ mfaToken: 't', code: '123456', recoveryCode: 'AAAA' })).to.equal(false);
    expect(mfa({ mfaToken: 't' })).to.equal(false);
  });
});

describe('unit :: OpenAPI :: the document', () => {
  const doc = buildOpenApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)) as never);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('has schemas a strict JSON Schema 2020-12 validator compiles', () => {
    const a = ajv();
    const components = (doc['components'] as { schemas: Record<string, JsonSchema> }).schemas;
    const absolute = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"https://nexus.test/components#/$defs/')) as JsonSchema;
    a.addSchema({ $id: 'https://nexus.test/components', $defs: absolute(components) });
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, listed] of Object.entries(op.responses)) {
          const response = listed.$ref ? (doc['components'] as { responses: Record<string, typeof listed> }).responses[listed.$ref.split('/').pop()!]! : listed;
          for (const [type, media] of Object.entries(response.content ?? {})) {
            expect(() => a.compile(absolute(media.schema)), `${method} ${path} ${status} ${type}`).not.to.throw();
          }
        }
      }
    }
  });

  it('describes what the presenters answer (a user), and nothing more', () => {
    const a = ajv();
    const validate = a.compile(toJsonSchema(UserView, { closed: true }));
    const user = presentUser(aUser());
    expect(validate(user), a.errorsText(validate.errors)).to.equal(true);
    // Answers are described closed: a field nobody declared (a hash that leaked) is a mismatch.
    expect(validate({ ...user, passwordHash: 'x' })).to.equal(false);
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }), fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (age, at) => {
        const presented = presentUser(aUser({ age }, at));
        if (!validate(presented)) throw new Error(`${JSON.stringify(presented)}: ${a.errorsText(validate.errors)}`);
      }),
      { numRuns: 50, seed: 11 },
    );
  });

  it('documents the error envelope and every security scheme', () => {
    const schemes = (doc['components'] as { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }> }).securitySchemes;
    expect(schemes['bearerAuth']).to.include({ type: 'http', scheme: 'bearer' });
    expect(schemes['apiKey']).to.include({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(schemes['refreshCookie']).to.include({ type: 'apiKey', in: 'cookie', name: 'nexus_refresh' });
    expect(schemes['csrfHeader']).to.include({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    const refresh = doc.paths['/api/auth/refresh']!['post']!;
    expect(refresh['security']).to.deep.equal([{}, { refreshCookie: [], csrfHeader: [] }]);
    expect(doc.paths['/api/users/{id}']!['get']!.responses['404']).to.deep.equal({ $ref: '#/components/responses/Error404' });
    const notFound = (doc['components'] as { responses: Record<string, { content: unknown }> }).responses['Error404']!;
    expect(JSON.stringify(notFound.content)).to.contain('#/components/schemas/ErrorEnvelope');
  });
});
