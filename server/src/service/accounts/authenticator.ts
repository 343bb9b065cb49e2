import { createHash } from 'node:crypto';
import { accountsFileStamp, readAccounts, type Account } from './account-file.js';
import type { Principal } from './principal.js';
import { keyIdOf, tokenMatches } from './tokens.js';

/** How often the service looks whether the accounts file changed: a removed user's token stops working within this. */
const RECHECK_MS = 250;

const digest = (token: string) => createHash('sha256').update(token).digest('base64');

/**
 * The service's side of the accounts: which account a token belongs to. A token
 * checked once is remembered by its SHA-256 (never in clear), so scrypt runs once
 * per token, not once per request. A timer looks at users.json every RECHECK_MS;
 * when it changed (a user added or removed by `gradsheet users` while the service
 * runs) it is read again and the remembered tokens are forgotten. Requests never
 * wait for that look: file system calls share a thread pool with scrypt, and a class
 * signing in at once would hold them up.
 */
export class Authenticator {
  private byKeyId = new Map<string, Account>();
  private readonly known = new Map<string, Principal & { kind: 'user' }>();
  /** Checks under way, by the token's SHA-256: requests sent together with one token share one scrypt. */
  private readonly checking = new Map<string, Promise<(Principal & { kind: 'user' }) | null>>();
  private stamp: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private looking = false;

  private constructor(private readonly dataDir: string) {}

  /** The data directory's accounts, or null when it has none: the service then runs without accounts. */
  static async open(dataDir: string): Promise<Authenticator | null> {
    const authenticator = new Authenticator(dataDir);
    const stamp = await accountsFileStamp(dataDir);
    if (stamp === null) return null;
    await authenticator.load(stamp);
    authenticator.timer = setInterval(() => void authenticator.look(), RECHECK_MS);
    // The look never keeps the process alive by itself.
    authenticator.timer.unref();
    return authenticator;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The account named `name` as the file says now, if it still exists. */
  account(name: string): (Principal & { kind: 'user' }) | null {
    const account = [...this.byKeyId.values()].find((a) => a.name === name);
    return account ? { kind: 'user', name: account.name, role: account.role } : null;
  }

  /** The account `token` belongs to, or null. */
  async identify(token: string): Promise<(Principal & { kind: 'user' }) | null> {
    const key = digest(token);
    const remembered = this.known.get(key) ?? this.checking.get(key);
    if (remembered) return remembered;
    const check = this.check(token, key).finally(() => this.checking.delete(key));
    this.checking.set(key, check);
    return check;
  }

  private async check(token: string, key: string): Promise<(Principal & { kind: 'user' }) | null> {
    const keyId = keyIdOf(token);
    const account = keyId === null ? undefined : this.byKeyId.get(keyId);
    if (!account || !(await tokenMatches(token, account.token))) return null;
    // The file may have changed while scrypt ran: remember only what it still says.
    if (this.byKeyId.get(account.token.keyId) !== account) return null;
    const principal = { kind: 'user', name: account.name, role: account.role } as const;
    this.known.set(key, principal);
    return principal;
  }

  /** Reads users.json again if it changed; one look at a time. */
  private async look(): Promise<void> {
    if (this.looking) return;
    this.looking = true;
    try {
      const stamp = await accountsFileStamp(this.dataDir);
      if (stamp !== this.stamp) await this.load(stamp);
    } finally {
      this.looking = false;
    }
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
