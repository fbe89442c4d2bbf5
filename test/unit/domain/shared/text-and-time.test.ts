import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { parseDateTime } from '../../../../src/domain/shared/date-time';
import { hasInvisibleCharacter, parseDescription, parseLabel } from '../../../../src/domain/shared/text';

describe('Domain :: shared text and time', () => {
  context('invisible characters', () => {
    for (const [what, ch] of [['an object replacement character', '\ufffc'], ['a replacement character', '\ufffd'], ['the Khitan small script filler', '\u{16fe4}']] as const) {
      it(`counts ${what} as invisible`, () => {
        expect(hasInvisibleCharacter(`a${ch}b`)).to.equal(true);
      });
    }
  });

  context('labels (API key names)', () => {
    it('cleans and keeps a visible label', () => {
      expect(parseLabel('  CI <b>deploy</b>  key ', 100)).to.deep.equal(E.right('CI deploy key'));
    });
    for (const bad of ['\u200b\u202e', 'ci\u200bkey', '\ufffc\ufffc', 'tab\tkey', '\u{16fe4}']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(parseLabel(bad, 100)).to.deep.equal(E.left('must not contain control, format or invisible characters'));
      });
    }
    it('refuses a label with nothing visible, or too long', () => {
      expect(parseLabel('   ', 100)).to.deep.equal(E.left('is required'));
      expect(parseLabel('\u2800\u2800', 100)).to.deep.equal(E.left('must contain a visible character'));
      expect(parseLabel('x'.repeat(101), 100)).to.deep.equal(E.left('must be at most 100 characters'));
    });
  });

  context('descriptions', () => {
    it('folds line breaks and tabs into spaces, and may be empty', () => {
      expect(parseDescription('Line one\nline\ttwo', 500)).to.deep.equal(E.right('Line one line two'));
      expect(parseDescription('', 500)).to.deep.equal(E.right(''));
    });
    for (const bad of ['\u200b\u202e', 'a\u2066b', '\ufffc', 'nul\u0000', 'x\u{16fe4}']) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(parseDescription(bad, 500)).to.deep.equal(E.left('must not contain control, format or invisible characters'));
      });
    }
  });

  context('date-times', () => {
    it('reads an ISO 8601 date-time with a time zone', () => {
      expect(parseDateTime('2027-02-28T09:30:00Z')).to.deep.equal(E.right(new Date('2027-02-28T09:30:00Z')));
      expect(parseDateTime('2028-02-29T23:59:59.123+02:00')).to.deep.equal(E.right(new Date('2028-02-29T21:59:59.123Z')));
      expect(parseDateTime('2027-06-01T12:00Z')).to.deep.equal(E.right(new Date('2027-06-01T12:00:00Z')));
    });
    for (const bad of [
      '2027-02-30T00:00:00Z',
      '2027-02-29T00:00:00Z',
      '2027-04-31T00:00:00Z',
      '2027-13-01T00:00:00Z',
      '2027-00-10T00:00:00Z',
      '2027-01-01T24:00:00Z',
      '2027-01-01T23:60:00Z',
      '2027-01-01T23:59:60Z',
      '2027-01-01T00:00:00+24:00',
      '2027-01-01T00:00:00',
      '2027-01-01',
      '2027-1-1T00:00:00Z',
      ' 2027-01-01T00:00:00Z',
      '+002027-01-01T00:00:00Z',
      'tomorrow',
      '',
    ]) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        expect(E.isLeft(parseDateTime(bad))).to.equal(true);
      });
    }
  });
});
