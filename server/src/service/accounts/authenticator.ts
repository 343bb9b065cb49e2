import { createHash } from 'node:crypto';
import { accountsFileStamp, readAccounts, type Account } from './account-file.js';
import type { Principal } from './principal.js';
import { keyIdOf, tokenMatches } from './tokens.js';

/** How often, at most, the service looks whether the accounts file changed (a removed user's token stops working within this). */
const RECHECK_MS = 250;

const digest = (token: string) => createHash('sha256').update(token).digest('base64');

/**
 * The service's side of the accounts: which account a token belongs to. A token
 * checked once is remembered by its SHA-256 (never in clear), so scrypt runs once
 * per token, not once per request. When users.json changes (a user added or
 * removed by `gradsheet users` while the service runs) it is read again and the
 * remembered tokens are forgotten.
 */
export class Authenticator {
  private byKeyId = new Map<string, Account>();
  private readonly known = new Map<string, Principal & { kind: 'user' }>();
  private stamp: string | null = null;
  private checkedAt = 0;
  private refreshing: Promise<void> | null = null;

  private constructor(private readonly dataDir: string) {}

  /** The data directory's accounts, or null when it has none: the service then runs without accounts. */
  static async open(dataDir: string): Promise<Authenticator | null> {
    const authenticator = new Authenticator(dataDir);
    const stamp = await accountsFileStamp(dataDir);
    if (stamp === null) return null;
    await authenticator.load(stamp);
    return authenticator;
  }

  get size(): number {
    return this.byKeyId.size;
  }

  accounts(): Account[] {
    return [...this.byKeyId.values()];
  }

  /** The account named `name` as the file says now, if it still exists. */
  async account(name: string): Promise<(Principal & { kind: 'user' }) | null> {
    await this.refresh();
    const account = [...this.byKeyId.values()].find((a) => a.name === name);
    return account ? { kind: 'user', name: account.name, role: account.role } : null;
  }

  /** The account `token` belongs to, or null. */
  async identify(token: string): Promise<(Principal & { kind: 'user' }) | null> {
    await this.refresh();
    const key = digest(token);
    const remembered = this.known.get(key);
    if (remembered) return remembered;
    const keyId = keyIdOf(token);
    const account = keyId === null ? undefined : this.byKeyId.get(keyId);
    if (!account || !(await tokenMatches(token, account.token))) return null;
    // The file may have changed while scrypt ran: remember only what it still says.
    if (this.byKeyId.get(account.token.keyId) !== account) return null;
    const principal = { kind: 'user', name: account.name, role: account.role } as const;
    this.known.set(key, principal);
    return principal;
  }

  private refresh(): Promise<void> {
    if (Date.now() - this.checkedAt < RECHECK_MS) return Promise.resolve();
    this.refreshing ??= (async () => {
      try {
        const stamp = await accountsFileStamp(this.dataDir);
        if (stamp !== this.stamp) await this.load(stamp);
      } finally {
        this.checkedAt = Date.now();
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Reads the file again; a file removed or broken leaves no account (every token is refused until it is mended). */
  private async load(stamp: string | null): Promise<void> {
    let accounts: Account[] = [];
    try {
      accounts = (await readAccounts(this.dataDir)) ?? [];
    } catch {
      accounts = [];
    }
    this.byKeyId = new Map(accounts.map((account) => [account.token.keyId, account]));
    this.known.clear();
    this.stamp = stamp;
  }
}
