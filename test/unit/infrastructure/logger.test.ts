import { expect } from 'chai';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import { runInContext, type WorkContext } from '../../../src/application/context';
import { redact, WinstonLogger } from '../../../src/infrastructure/logger';
import { capturingLogger } from '../../support/logger';

describe('Infrastructure :: logger', () => {
  it('stamps each line with the request id of the work in progress', () => {
    const { logger, lines } = capturingLogger();
    runInContext({ requestId: 'req-42' }, () => logger.info('inside'));
    logger.info('outside');
    expect(lines()[0]).to.include({ message: 'inside', requestId: 'req-42', level: 'info' });
    expect(lines()[1]).to.not.have.property('requestId');
  });

  it('redacts secret fields at any depth and secrets inside strings', () => {
    const { logger, raw } = capturingLogger();
    logger.info('login', {
      password: 'hunter2-Secret!',
      nested: { refreshToken: 'rt-abcdef', list: [{ apiKey: 'sk_0123456789abcdefghij' }] },
      header: 'Bearer eyJhbGciOi.eyJzdWIi.sig',
      url: 'mongodb://admin:s3cret@db:27017',
      note: 'key sk_ABCDEFGHIJKLMNOPQRSTUV used',
    });
    const out = raw();
    for (const secret of ['hunter2', 'rt-abcdef', 'sk_0123456789', 'eyJhbGciOi', 's3cret', 'sk_ABCDEFGHIJ']) expect(out).to.not.include(secret);
    expect(out).to.include('[REDACTED]').and.include('mongodb://***@db:27017');
  });

  it('leaves ordinary values alone', () => {
    expect(redact({ name: 'Ada', count: 3, when: 'today' })).to.deep.equal({ name: 'Ada', count: 3, when: 'today' });
  });
});

describe('Infrastructure :: logger :: the access line', () => {
  type Fields = { method: string; route: string; status: number; durationMs: number; ip: string; userId?: string };
  const memory = (format: 'json' | 'pretty', level = 'debug', silent = false) => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString('utf8'));
        cb();
      },
    });
    return { logger: new WinstonLogger({ level, format, service: 'nexus', stream, silent }), chunks };
  };
  const at = (context: WorkContext | undefined, fn: () => void) => (context ? runInContext(context, fn) : fn());
  // What the access log wrote through winston before it had `access`: info, or error for a 5xx.
  const throughWinston = (logger: WinstonLogger, fields: Fields) => (fields.status >= 500 ? logger.error('request failed', fields) : logger.info('request', fields));
  const untimed = (text: string) => text.replace(/"timestamp":"[^"]+"/g, '"timestamp":"T"').replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, 'T ');

  const cases: [WorkContext | undefined, Fields][] = [
    [{ requestId: 'req-1' }, { method: 'GET', route: '/api/users/:id', status: 200, durationMs: 1.2, ip: '127.0.0.1', userId: '64b7f0c2a1b2c3d4e5f60718' }],
    [{ requestId: 'req-2', jobId: 'job-9' }, { method: 'POST', route: '/api/auth/login', status: 401, durationMs: 0, ip: '::ffff:10.0.0.1' }],
    [undefined, { method: 'DELETE', route: 'unmatched', status: 404, durationMs: 12.5, ip: '' }],
    [{ requestId: 'req-3' }, { method: 'PATCH', route: '/api/roles/:id', status: 503, durationMs: 30001.7, ip: '10.1.2.3', userId: 'u' }],
    // Values JSON must escape, and values that carry a secret (a raw path, a forwarded address, a client's request id).
    [{ requestId: 'sk_ABCDEFGHIJKLMNOPQRSTUV' }, { method: 'GET', route: '/api/x/"quoted"\\\u0001\u00e9\u2028/sk_0123456789abcdefghij', status: 405, durationMs: 0.1, ip: 'Bearer eyJhbGciOi.eyJzdWIi.sig' }],
    [{ requestId: 'req-5', jobId: '' }, { method: 'GET', route: '/api/\ud800/\u{1f600}/\t/\u007f/\\u0000', status: 200, durationMs: Number.NaN, ip: '-0', userId: '' }],
    [{ requestId: 'req-4' }, { method: 'PUT', route: '/api/hooks/https://admin:s3cret@example.com/x', status: 500, durationMs: 2, ip: '203.0.113.9', userId: 'bearer abc.def' }],
  ];

  for (const format of ['json', 'pretty'] as const) {
    it(`is, in ${format} lines, byte for byte the line winston writes for the same fields (key order and redaction included)`, () => {
      for (const [context, fields] of cases) {
        const direct = memory(format);
        const winston = memory(format);
        at(context, () => direct.logger.access(fields));
        at(context, () => throughWinston(winston.logger, fields));
        expect(direct.chunks, JSON.stringify(fields)).to.have.length(1);
        expect(untimed(direct.chunks.join('')), JSON.stringify(fields)).to.equal(untimed(winston.chunks.join('')));
      }
    });
  }

  it('is the line winston writes for any strings and numbers in its fields', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('Bearer abc.def', 'sk_0123456789abcdefghij', 'x://u:p@h', '"\\'), fc.string({ unit: 'grapheme-ascii' }));
    fc.assert(
      fc.property(
        fc.record({ method: text, route: text, status: fc.integer({ min: 100, max: 599 }), durationMs: fc.double(), ip: text, userId: fc.option(text, { nil: undefined }) }),
        fc.option(fc.record({ requestId: text, jobId: fc.option(text, { nil: undefined }) }), { nil: undefined }),
        (generated, context) => {
          const { userId, ...rest } = generated;
          const fields: Fields = userId === undefined ? rest : { ...rest, userId };
          const ctx: WorkContext | undefined = context && (context.jobId === undefined ? { requestId: context.requestId } : { requestId: context.requestId, jobId: context.jobId });
          const direct = memory('json');
          const winston = memory('json');
          at(ctx, () => direct.logger.access(fields));
          at(ctx, () => throughWinston(winston.logger, fields));
          expect(untimed(direct.chunks.join(''))).to.equal(untimed(winston.chunks.join('')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('has a known shape: the sorted keys of a JSON line, a real timestamp, and no secret from a raw path', () => {
    const { logger, chunks } = memory('json');
    runInContext({ requestId: 'req-42' }, () => logger.access({ method: 'GET', route: '/api/api-keys/sk_0123456789abcdefghijKLMN', status: 405, durationMs: 0.4, ip: '127.0.0.1' }));
    const line = chunks.join('');
    expect(line.endsWith('}\n')).to.equal(true);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).to.deep.equal(['durationMs', 'ip', 'level', 'message', 'method', 'requestId', 'route', 'service', 'status', 'timestamp']);
    expect(parsed).to.include({ level: 'info', message: 'request', method: 'GET', requestId: 'req-42', route: '/api/api-keys/sk_[REDACTED]', service: 'nexus', status: 405, durationMs: 0.4, ip: '127.0.0.1' });
    expect(Math.abs(Date.parse(String(parsed['timestamp'])) - Date.now())).to.be.below(5_000);
    expect(line).to.not.include('0123456789abcdefghij');
  });

  it('keeps the level filter and silence: info lines below the level vanish, a 5xx line is an error line', () => {
    const ok = { method: 'GET', route: '/health/live', status: 200, durationMs: 0.1, ip: '::1' };
    const failed = { ...ok, status: 502 };
    const warnOnly = memory('json', 'warn');
    warnOnly.logger.access(ok);
    warnOnly.logger.access(failed);
    expect(warnOnly.chunks.map((c) => (JSON.parse(c) as Record<string, unknown>)['message'])).to.deep.equal(['request failed']);
    const silent = memory('json', 'debug', true);
    silent.logger.access(ok);
    silent.logger.access(failed);
    const prettySilent = memory('pretty', 'debug', true);
    prettySilent.logger.access(failed);
    expect([...silent.chunks, ...prettySilent.chunks]).to.deep.equal([]);
  });

  it('keeps its place among the lines winston writes to the same stream, one whole line per write', () => {
    const { logger, chunks } = memory('json');
    const fields = { method: 'GET', route: '/api/users/:id', status: 200, durationMs: 1, ip: '::1' };
    logger.info('first');
    logger.access(fields);
    logger.warn('between', { n: 1 });
    logger.access({ ...fields, status: 500 });
    logger.error('last');
    expect(chunks.every((c) => c.endsWith('\n') && c.indexOf('\n') === c.length - 1)).to.equal(true);
    expect(chunks.map((c) => (JSON.parse(c) as Record<string, unknown>)['message'])).to.deep.equal(['first', 'request', 'between', 'request failed', 'last']);
  });
});
