import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { IdGenerator } from '../../application/ports/id-generator.port';

/**
 * ObjectId-shaped ids (4 bytes of seconds, 5 random bytes per process, a 3-byte counter), made
 * without the mongodb package so both profiles share one id format and the embedded profile
 * does not load a database driver.
 */
@injectable()
export class ObjectIdGenerator implements IdGenerator {
  private readonly processPart = randomBytes(5).toString('hex');
  private counter = randomBytes(3).readUIntBE(0, 3);

  next(): string {
    this.counter = (this.counter + 1) % 0x1000000;
    const seconds = Math.floor(Date.now() / 1000);
    return seconds.toString(16).padStart(8, '0') + this.processPart + this.counter.toString(16).padStart(6, '0');
  }
}
