import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { Principal } from './principal.js';

/** How long a download link works. */
const LIFETIME_MS = 12 * 3600 * 1000;

/** Who a link speaks for: an account's name, or the shared token. */
export type LinkHolder = { readonly kind: 'user'; readonly name: string } | { readonly kind: 'shared' };

/** The key that signs download links, in the data directory beside `users.json`. */
export const LINK_KEY_FILE = 'link-key';

const KEY_BYTES = 32;

/**
 * Links that download one file without a header: a task pane's link, or the system
 * browser Office opens it in on a Mac, cannot send `Authorization`. A link names one
 * path, who asked for it and until when, signed with a key kept in the data directory
 * (`link-key`, readable by its owner only), so links outlive a restart of the service
 * until they expire. The service checks the account still exists, and may still see
 * the run, when the link is used.
 */
export class DownloadLinks {
  private constructor(private readonly key: Buffer) {}

  /** Signs with the data directory's key, made on first use. */
  static async open(dataDir: string): Promise<DownloadLinks> {
    const file = join(dataDir, LINK_KEY_FILE);
    const kept = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (kept?.length === KEY_BYTES) return new DownloadLinks(kept);
    // None yet, or not one GradSheet wrote: a new key (links signed with another end here).
    const key = randomBytes(KEY_BYTES);
    await mkdir(dataDir, { recursive: true });
    await writeFileAtomic(file, key, { mode: 0o600 });
    return new DownloadLinks(key);
  }

  /** The `link` query value for `path` (e.g. /api/runs/<id>/report.xlsx), on behalf of `principal`. */
  sign(path: string, principal: Principal, now = Date.now()): string {
    const holder = principal.kind === 'user' ? `u:${principal.name}` : 's';
    const expires = Math.floor((now + LIFETIME_MS) / 1000);
    return `${holder}.${expires}.${this.mac(path, holder, expires)}`;
  }

  /** Who the link speaks for, or null when it is forged, for another path, or expired. */
  verify(path: string, link: string, now = Date.now()): LinkHolder | null {
    const match = /^(u:[A-Za-z0-9._-]{1,64}|s)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(link);
    if (!match) return null;
    const [, holder, expiresText, mac] = match as unknown as [string, string, string, string];
    const expires = Number(expiresText);
    const expected = Buffer.from(this.mac(path, holder, expires));
    if (!timingSafeEqual(Buffer.from(mac), expected) || expires * 1000 < now) return null;
    return holder === 's' ? { kind: 'shared' } : { kind: 'user', name: holder.slice(2) };
  }

  private mac(path: string, holder: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${holder}\n${expires}`).digest('base64url');
  }
}
