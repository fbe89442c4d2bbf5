import { expect } from 'chai';
import { DependencyUnavailable, outagesAsUnavailable } from '../../../src/application/ports/dependency-unavailable';

class Store {
  calls = 0;
  constructor(private readonly failure: Error | null) {}
  async read(): Promise<string> {
    this.calls += 1;
    if (this.failure) throw this.failure;
    return 'value';
  }
  write(): void {
    if (this.failure) throw this.failure;
  }
  sorted(): this {
    return this;
  }
}

const outage = (err: unknown): boolean => err instanceof Error && err.message === 'connection refused';

describe('Ports :: DependencyUnavailable', () => {
  it('turns an outage the adapter recognises into DependencyUnavailable, naming the dependency and keeping the cause', async () => {
    const cause = new Error('connection refused');
    const store = outagesAsUnavailable(new Store(cause), 'database', outage);
    const err = await store.read().then(
      () => expect.fail('should reject'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(DependencyUnavailable);
    expect((err as DependencyUnavailable).dependency).to.equal('database');
    expect((err as Error).cause).to.equal(cause);
    expect(() => store.write()).to.throw(DependencyUnavailable);
  });

  it('lets every other failure and every result through unchanged, and keeps fluent calls translated', async () => {
    const refused = new Error('duplicate key');
    const failing = outagesAsUnavailable(new Store(refused), 'database', outage);
    expect(await failing.read().catch((e: unknown) => e)).to.equal(refused);
    const working = outagesAsUnavailable(new Store(null), 'cache', outage);
    expect(await working.sorted().read()).to.equal('value');
    const down = outagesAsUnavailable(new Store(new Error('connection refused')), 'queue', outage);
    expect(await down.sorted().read().catch((e: unknown) => e)).to.be.instanceOf(DependencyUnavailable);
  });
});
