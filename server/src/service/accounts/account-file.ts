import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GradSheetError, USER_ROLES, invalidInput, type UserRole } from '@gradsheet/shared';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { newToken, type TokenHash } from './tokens.js';

/**
 * The service's accounts: `users.json` in the data directory, beside `runs/`.
 * It holds each account's name, role and token hash, never a token; it is
 * replaced whole (written beside, then renamed), readable by its owner only.
 * The CLI (`gradsheet users`) writes it, each change read, made and written under a
 * lock (`users.json.lock`), so two commands at once cannot lose each other's accounts;
 * the service reads it, and reads it again when it changes.
 */

export const ACCOUNTS_FILE = 'users.json';

export interface Account {
  readonly name: string;
  readonly role: UserRole;
  readonly createdAt: string;
  readonly token: TokenHash;
}

interface AccountsDocument {
  readonly version: 1;
  readonly users: readonly Account[];
}

/** Names are written in run records and token files: letters, digits, ".", "_" and "-", as roster ids are. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function accountsPath(dataDir: string): string {
  return join(dataDir, ACCOUNTS_FILE);
}

export function checkAccountName(name: string): string {
  if (!NAME.test(name)) throw invalidInput(`user name "${name}" must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  return name;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function isAccount(value: unknown): value is Account {
  const account = value as Partial<Account> | null;
  const token = account?.token as Partial<TokenHash> | undefined;
  return (
    typeof account?.name === 'string' &&
    NAME.test(account.name) &&
    USER_ROLES.includes(account.role as UserRole) &&
    typeof account.createdAt === 'string' &&
    typeof token?.keyId === 'string' &&
    typeof token.salt === 'string' &&
    typeof token.hash === 'string' &&
    typeof token.scrypt?.N === 'number'
  );
}

/** The accounts, or null when the data directory has no accounts file (the service then runs without accounts). */
export async function readAccounts(dataDir: string): Promise<Account[] | null> {
  let text: string;
  try {
    text = await readFile(accountsPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let document: Partial<AccountsDocument>;
  try {
    document = JSON.parse(text) as Partial<AccountsDocument>;
  } catch {
    throw new GradSheetError('INVALID_FILE', `${ACCOUNTS_FILE} is not valid JSON`);
  }
  if (document.version !== 1 || !Array.isArray(document.users) || !document.users.every(isAccount)) {
    throw new GradSheetError('INVALID_FILE', `${ACCOUNTS_FILE} does not list accounts as GradSheet writes them`);
  }
  return [...document.users];
}

/** Whether the accounts file is there; its modification time and size tell the service when to read it again. */
export async function accountsFileStamp(dataDir: string): Promise<string | null> {
  const info = await stat(accountsPath(dataDir)).catch(() => null);
  return info ? `${info.ino}:${info.mtimeMs}:${info.size}` : null;
}

async function writeAccounts(dataDir: string, users: readonly Account[]): Promise<void> {
  const document: AccountsDocument = { version: 1, users };
  await writeFileAtomic(accountsPath(dataDir), Buffer.from(`${JSON.stringify(document, null, 2)}\n`), { mode: 0o600 });
}

/**
 * Runs one change of the accounts (read, change, write) holding the accounts file's
 * lock. Another command's change waits for it for about 10 s; a lock left by a
 * command that was killed is taken over once it is 10 s old.
 */
async function changeAccounts<T>(dataDir: string, change: () => Promise<T>): Promise<T> {
  await mkdir(dataDir, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(accountsPath(dataDir), { realpath: false, stale: 10_000, retries: { retries: 22, minTimeout: 50, maxTimeout: 500 } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new GradSheetError('ACCOUNTS_BUSY', `another "gradsheet users" command is changing ${ACCOUNTS_FILE}; run this one again when it has finished`);
  }
  try {
    return await change();
  } finally {
    await release();
  }
}

export interface NewAccount {
  readonly name: string;
  readonly role: UserRole;
  /** Shown once; only its hash is kept. */
  readonly token: string;
}

/**
 * Adds accounts, each with a new random token, in one write: all of them or none.
 * Refuses a name that is taken (names are compared without case).
 */
export async function addAccounts(dataDir: string, wanted: readonly { name: string; role: UserRole }[]): Promise<NewAccount[]> {
  for (const { name } of wanted) checkAccountName(name);
  return changeAccounts(dataDir, () => addUnlocked(dataDir, wanted));
}

async function addUnlocked(dataDir: string, wanted: readonly { name: string; role: UserRole }[]): Promise<NewAccount[]> {
  const users = (await readAccounts(dataDir)) ?? [];
  const taken = wanted.filter((w, i) => users.some((u) => sameName(u.name, w.name)) || wanted.findIndex((o) => sameName(o.name, w.name)) !== i);
  if (taken.length > 0) {
    const names = [...new Set(taken.map((t) => t.name))];
    throw invalidInput(`${names.length === 1 ? 'a user' : 'users'} named ${names.map((n) => `"${n}"`).join(', ')} ${names.length === 1 ? 'exists' : 'exist'} already; remove ${names.length === 1 ? 'it' : 'them'} first to issue a new token`);
  }
  const createdAt = new Date().toISOString();
  const added: NewAccount[] = [];
  const accounts: Account[] = [];
  for (const { name, role } of wanted) {
    const { token, stored } = await newToken();
    added.push({ name, role, token });
    accounts.push({ name, role, createdAt, token: stored });
  }
  await writeAccounts(dataDir, [...users, ...accounts]);
  return added;
}

/** Removes an account: its token stops working at once; the runs it started are kept. */
export async function removeAccount(dataDir: string, name: string): Promise<Account> {
  return changeAccounts(dataDir, async () => {
    const users = (await readAccounts(dataDir)) ?? [];
    const found = users.find((u) => sameName(u.name, name));
    if (!found) throw invalidInput(`there is no user "${name}"${users.length > 0 ? '' : ' (there are no users yet)'}`);
    await writeAccounts(dataDir, users.filter((u) => u !== found));
    return found;
  });
}
