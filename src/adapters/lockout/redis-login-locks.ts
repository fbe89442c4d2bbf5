import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { LoginLockStore } from '../../application/ports/login-lock-store.port';
import type { LockEvent, LockOutcome, LockoutPolicy } from '../../domain/auth/lockout';
import { MemoryLoginLocks } from './memory-login-locks';

/**
 * The domain's `applyLockEvent` in Lua, so each event is one atomic step in Redis whatever the
 * number of API processes. One hash per account (`f` failures, `ws` window start, `lu` locked
 * until, `r` locks in the run, `p:<ticket>` places held by checks in flight), rewritten whole,
 * with a PEXPIRE as long as `lockStateTtl` says; nothing is written for an account that has
 * nothing to keep. ARGV: kind, now, threshold, windowMs, repeatMemoryMs, reservationMs, ticket,
 * forgetRepeats ('1'/'0'), then the lock lengths.
 */
const SCRIPT = `
local key = KEYS[1]
local kind = ARGV[1]
local now = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local repeatMemoryMs = tonumber(ARGV[5])
local reservationMs = tonumber(ARGV[6])
local ticket = ARGV[7]
local forget = ARGV[8] == '1'
local lengths = #ARGV - 8

local f, ws, lu, r = 0, 0, 0, 0
local pending = {}
local raw = redis.call('HGETALL', key)
for i = 1, #raw, 2 do
  local k, v = raw[i], tonumber(raw[i + 1])
  if k == 'f' then f = v
  elseif k == 'ws' then ws = v
  elseif k == 'lu' then lu = v
  elseif k == 'r' then r = v
  elseif string.sub(k, 1, 2) == 'p:' and v > now then pending[string.sub(k, 3)] = v end
end
if f > 0 and now >= ws + windowMs then f = 0; ws = 0 end
if r > 0 and now >= lu + repeatMemoryMs then r = 0 end
local locked = now < lu

local result
if kind == 'status' then
  if locked then return {'status', lu, f, r} end
  return {'status', 0, f, r}
elseif kind == 'reserve' then
  if locked then return {'locked', lu} end
  local n = 0
  for _ in pairs(pending) do n = n + 1 end
  if f + n >= threshold then return {'full'} end
  pending[ticket] = now + reservationMs
  result = {'open'}
elseif kind == 'release' then
  pending[ticket] = nil
  result = {'noted'}
elseif kind == 'succeed' then
  pending[ticket] = nil
  f = 0; ws = 0
  result = {'noted'}
elseif kind == 'fail' then
  pending[ticket] = nil
  if locked then
    result = {'noted'}
  else
    if f == 0 then ws = now end
    f = f + 1
    if f < threshold then
      result = {'noted'}
    else
      r = r + 1
      lu = now + tonumber(ARGV[8 + math.min(r, lengths)])
      f = 0; ws = 0
      result = {'new-lock', lu, r}
    end
  end
elseif kind == 'lift' then
  local was, ending = 0, 0
  if locked then was = 1; ending = lu; lu = now end
  f = 0; ws = 0
  if forget then r = 0 end
  result = {'lifted', was, ending}
else
  return redis.error_reply('unknown lock event ' .. tostring(kind))
end

local keep = 0
if f > 0 then keep = math.max(keep, ws + windowMs) end
if r > 0 then keep = math.max(keep, lu + repeatMemoryMs) end
if now < lu then keep = math.max(keep, lu) end
for _, v in pairs(pending) do keep = math.max(keep, v) end
redis.call('DEL', key)
if keep > now then
  local fields = {'f', f, 'ws', ws, 'lu', lu, 'r', r}
  for t, v in pairs(pending) do
    fields[#fields + 1] = 'p:' .. t
    fields[#fields + 1] = v
  end
  redis.call('HSET', key, unpack(fields))
  redis.call('PEXPIRE', key, keep - now)
end
return result
`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');

type Reply = [string, ...(number | string)[]];

/**
 * Lockout state shared by every API process, in Redis under `<prefix>:lockout:<account id>`.
 * One key per account and one key per script call, so it works unchanged on a Redis Cluster
 * (the script runs on the master of that key's slot).
 * While Redis is not ready (or a call to it fails as an outage) the state is kept in this
 * process instead, by the same rules (like the rate limiters' insurance): logins go on, each
 * process locks on its own count, and Redis' state applies again when it is back.
 */
export class RedisLoginLocks implements LoginLockStore {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
    private readonly isOutage: (err: unknown) => boolean,
    private readonly insurance: LoginLockStore = new MemoryLoginLocks(),
  ) {}

  keyOf(accountId: string): string {
    return `${this.keyPrefix}:lockout:${accountId}`;
  }

  async apply(accountId: string, event: LockEvent, now: Date, policy: LockoutPolicy): Promise<LockOutcome> {
    const ticket = 'ticket' in event ? (event.ticket ?? '') : '';
    const forget = event.kind === 'lift' && event.forgetRepeats ? '1' : '0';
    const args = [event.kind, now.getTime(), policy.threshold, policy.windowMs, policy.repeatMemoryMs, policy.reservationMs, ticket, forget, ...policy.lockMs].map(String);
    if (this.redis.status !== 'ready') return this.insurance.apply(accountId, event, now, policy);
    try {
      return outcomeOf((await this.run(this.keyOf(accountId), args)) as Reply);
    } catch (err) {
      if (!this.isOutage(err)) throw err;
      return this.insurance.apply(accountId, event, now, policy);
    }
  }

  private async run(key: string, args: string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(SHA, 1, key, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(SCRIPT, 1, key, ...args);
    }
  }
}

const num = (v: number | string | undefined): number => Number(v ?? 0);

const outcomeOf = ([kind, a, b, c]: Reply): LockOutcome => {
  switch (kind) {
    case 'open':
      return { kind: 'open' };
    case 'full':
      return { kind: 'full' };
    case 'noted':
      return { kind: 'noted' };
    case 'locked':
      return { kind: 'locked', until: num(a) };
    case 'new-lock':
      return { kind: 'new-lock', lock: { until: num(a), repeat: num(b) } };
    case 'lifted':
      return { kind: 'lifted', wasLocked: num(a) === 1, until: num(b) };
    case 'status':
      return { kind: 'status', lockedUntil: num(a), failures: num(b), repeats: num(c) };
    default:
      throw new Error(`unexpected lockout reply: ${String(kind)}`);
  }
};
