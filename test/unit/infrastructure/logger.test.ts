import { expect } from 'chai';
import { runInContext } from '../../../src/application/context';
import { redact } from '../../../src/infrastructure/logger';
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
