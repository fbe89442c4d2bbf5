import { expect } from 'chai';
import * as fc from 'fast-check';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { DataProcessingPayload } from '../../../../src/application/jobs/data-processing.job';

/** What the payload codec was: every item visited, each one accepted. */
const VISITING = t.readonly(t.type({ items: t.array(t.unknown) }));

describe('DataProcessingPayload', () => {
  it('accepts and refuses exactly what an array of unknown items does, and decodes to the same value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ items: fc.anything() }), fc.record({ items: fc.array(fc.anything()) })), (input) => {
        const now = DataProcessingPayload.decode(input);
        const before = VISITING.decode(input);
        expect(E.isRight(now)).to.equal(E.isRight(before));
        if (E.isRight(now) && E.isRight(before)) expect(now.right).to.deep.equal(before.right);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a payload without an array of items', () => {
    for (const bad of [null, {}, { items: 'a' }, { items: { 0: 1, length: 1 } }, [1, 2]]) expect(E.isLeft(DataProcessingPayload.decode(bad)), JSON.stringify(bad)).to.equal(true);
  });
});
