import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig } from '../../config/config';

const WINDOW_SECONDS = 15 * 60;

/**
 * Failed sign-ins (and unknown bearer tokens) per client address and per account, in 15-minute
 * windows. In memory: one server process owns the DuckDB file, so there is no second instance to
 * share counters with. Accounts are keyed by a hash of the lower-cased e-mail.
 */
@Injectable()
export class ThrottleService {
  private readonly byAddress: RateLimiterMemory;
  private readonly byAccount: RateLimiterMemory;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.byAddress = new RateLimiterMemory({ keyPrefix: 'addr', points: config.signInFailures.perAddress, duration: WINDOW_SECONDS });
    this.byAccount = new RateLimiterMemory({ keyPrefix: 'acct', points: config.signInFailures.perAccount, duration: WINDOW_SECONDS });
  }

  private static accountKey(account: string): string {
    return createHash('sha256').update(account.trim().toLowerCase()).digest('hex');
  }

  /** Seconds until the address (and the account, if given) may try again; 0 when it may now. */
  async retryAfter(address: string, account?: string): Promise<number> {
    const waits = [await this.wait(this.byAddress, address)];
    if (account) waits.push(await this.wait(this.byAccount, ThrottleService.accountKey(account)));
    return Math.max(...waits);
  }

  private async wait(limiter: RateLimiterMemory, key: string): Promise<number> {
    const r = await limiter.get(key);
    return r && r.consumedPoints >= limiter.points ? Math.max(1, Math.ceil(r.msBeforeNext / 1000)) : 0;
  }

  async fail(address: string, account?: string): Promise<void> {
    await this.byAddress.penalty(address, 1);
    if (account) await this.byAccount.penalty(ThrottleService.accountKey(account), 1);
  }

  /** A successful sign-in clears the account's count; the address keeps its count (one good account must not reset a guesser). */
  async succeeded(account: string): Promise<void> {
    await this.byAccount.delete(ThrottleService.accountKey(account));
  }
}
