import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lockfile from 'proper-lockfile';
import { gradsheet } from './support/cli.js';
import { call, spawnServe, tempDir, waitFor } from './support/service.js';

/** `gradsheet users` and a service started on the same data directory, as a teacher sets a class up. */

let dir: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = await tempDir('gradsheet-accounts-');
  dataDir = join(dir.path, 'data');
});
afterAll(() => dir?.remove());

/** Every file under a folder, with its bytes. */
async function filesUnder(folder: string): Promise<{ path: string; bytes: Buffer }[]> {
  const files: { path: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push({ path: join(entry.parentPath, entry.name), bytes: await readFile(join(entry.parentPath, entry.name)) });
  }
  return files;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

describe('gradsheet users', () => {
  it('adds a learner and a teacher, each token alone on the last line of stdout, and lists them', async () => {
    for (const [name, flags] of [['ada', []], ['tess', ['--teacher']]] as const) {
      const result = await gradsheet(['users', 'add', name, ...flags, '--data-dir', dataDir]);
      expect(result.code, result.stderr).toBe(0);
      tokens[name] = lastLine(result.stdout);
      expect(tokens[name]).toMatch(/^gs_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    }
    expect(tokens.ada).not.toBe(tokens.tess);
    const list = await gradsheet(['users', 'list', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+ROLE\s+ADDED\nada\s+learner\s+\d{4}-.*\ntess\s+teacher\s+\d{4}-/);
    expect(list.stdout).not.toContain('gs_');
  });

  it('refuses a name taken (in any case) or malformed, and removing an unknown user, with exit 2', async () => {
    for (const [args, message] of [
      [['users', 'add', 'ADA'], /a user named "ADA" exists already/],
      [['users', 'add', '../x'], /user name "..\/x" must be/],
      [['users', 'remove', 'nobody'], /there is no user "nobody"/],
    ] as const) {
      const result = await gradsheet([...args, '--data-dir', dataDir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });

  it('imports a roster: one learner per student, their tokens in a new CSV file only its owner may read', async () => {
    const roster = join(dir.path, 'students.csv');
    await writeFile(roster, 'id,name\ns001,"Lovelace, Ada"\ns002,Alan Turing\n');
    const out = join(dir.path, 'tokens.csv');
    const result = await gradsheet(['users', 'import', '--roster', roster, '--out', out, '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('id,name,token');
    expect(lines.slice(1).map((line) => line.replace(/gs_\S+$/, 'TOKEN'))).toEqual(['s001,"Lovelace, Ada",TOKEN', 's002,Alan Turing,TOKEN']);
    tokens.s001 = (lines[1] as string).split(',').at(-1) as string;
    if (process.platform !== 'win32') expect((await stat(out)).mode & 0o777).toBe(0o600);
    // Never over an earlier tokens file, and all or nothing: s001 exists now.
    expect((await gradsheet(['users', 'import', '--roster', roster, '--out', out, '--data-dir', dataDir])).stderr).toMatch(/exists already/);
    const again = await gradsheet(['users', 'import', '--roster', roster, '--out', join(dir.path, 'again.csv'), '--data-dir', dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/users named "s001", "s002" exist already/);
    expect((await gradsheet(['users', 'list', '--data-dir', dataDir])).stdout.match(/learner/g)).toHaveLength(3);
  });

  it('keeps no token in clear anywhere in the data directory, only salted hashes, in a file only its owner may read', async () => {
    const files = await filesUnder(dataDir);
    expect(files.map((f) => f.path.slice(dataDir.length + 1))).toEqual(['users.json']);
    const users = files[0] as { bytes: Buffer };
    for (const token of Object.values(tokens)) {
      const secret = token.split('_').slice(2).join('_');
      expect(secret.length).toBe(32);
      expect(users.bytes.includes(token)).toBe(false);
      expect(users.bytes.includes(secret)).toBe(false);
      expect(users.bytes.includes(Buffer.from(secret, 'base64url').toString('base64'))).toBe(false);
      expect(users.bytes.includes(Buffer.from(secret, 'base64url').toString('hex'))).toBe(false);
    }
    const document = JSON.parse(users.bytes.toString('utf8')) as { users: { name: string; token: { salt: string; hash: string } }[] };
    // Each its own salt, so equal secrets would not give equal hashes.
    expect(new Set(document.users.map((u) => u.token.salt)).size).toBe(document.users.length);
    if (process.platform !== 'win32') expect((await stat(join(dataDir, 'users.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('gradsheet serve on a data directory with accounts', () => {
  it('takes each account’s token, refuses none or a wrong one, and stops taking a removed user’s token while it runs', async () => {
    const serve = await spawnServe(dataDir);
    try {
      await waitFor('the accounts line', async () => /Accounts: 4 \(1 teacher\)/.test(serve.stderr()), 5_000);
      const as = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
      expect((await call(serve.url, 'GET', '/api/session', { headers: as('ada') })).body).toMatchObject({ user: 'ada', role: 'learner' });
      expect((await call(serve.url, 'GET', '/api/session', { headers: as('s001') })).body).toMatchObject({ user: 's001', role: 'learner' });
      expect((await call(serve.url, 'GET', '/api/runs')).status).toBe(401);
      expect((await call(serve.url, 'GET', '/api/runs', { headers: { authorization: 'Bearer gs_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })).status).toBe(401);

      expect((await gradsheet(['users', 'remove', 'ada', '--data-dir', dataDir])).code).toBe(0);
      const deadline = Date.now() + 5_000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        status = (await call(serve.url, 'GET', '/api/runs', { headers: as('ada') })).status;
        if (status === 200) await new Promise((done) => setTimeout(done, 100));
      }
      expect(status).toBe(401);
      expect((await call(serve.url, 'GET', '/api/runs', { headers: as('tess') })).status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});

describe('gradsheet users, several at once', () => {
  it('loses no account when several commands add at the same time', async () => {
    const shared = join(dir.path, 'together');
    const names = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const results = await Promise.all(names.map((name) => gradsheet(['users', 'add', name, '--data-dir', shared])));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const list = await gradsheet(['users', 'list', '--data-dir', shared]);
    expect(list.stdout.match(/^u\d/gm)?.sort()).toEqual(names);
  });

  it('holds back every command while another has the accounts, then lands each of them', async () => {
    const queued = join(dir.path, 'queued');
    expect((await gradsheet(['users', 'add', 'first', '--data-dir', queued])).code).toBe(0);
    const release = await lockfile.lock(join(queued, 'users.json'), { realpath: false, stale: 10_000 });
    const names = ['q1', 'q2', 'q3'];
    let finished = 0;
    const adds = names.map((name) => gradsheet(['users', 'add', name, '--data-dir', queued]).finally(() => finished++));
    try {
      // Without the lock these would change users.json at once, under the holder's feet.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(finished).toBe(0);
    } finally {
      await release();
    }
    for (const result of await Promise.all(adds)) expect(result.code, result.stderr).toBe(0);
    const list = await gradsheet(['users', 'list', '--data-dir', queued]);
    expect(list.stdout.match(/^(first|q\d)/gm)?.sort()).toEqual(['first', ...names]);
  }, 60_000);

  it('waits for a command that holds the accounts, then refuses with exit 1 and says why', async () => {
    const held = join(dir.path, 'held');
    expect((await gradsheet(['users', 'add', 'first', '--data-dir', held])).code).toBe(0);
    // Another command in the middle of its change: it holds the lock and keeps it fresh.
    const release = await lockfile.lock(join(held, 'users.json'), { realpath: false, stale: 10_000 });
    try {
      const result = await gradsheet(['users', 'add', 'second', '--data-dir', held]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/another "gradsheet users" command is changing users\.json; run this one again when it has finished/);
    } finally {
      await release();
    }
    expect((await gradsheet(['users', 'add', 'second', '--data-dir', held])).code).toBe(0);
  }, 60_000);
});
