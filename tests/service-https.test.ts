import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '@gradsheet/server';
import { tempDir } from './support/service.js';

/**
 * `gradsheet serve`'s HTTPS over a real socket. The routes' answers (errors, models,
 * runs, the guard of Host, Origin and token) are tested through inject() beside the
 * routes, in server/src/service.
 */

describe('serving', () => {
  it('serves HTTPS by default, with a localhost certificate made once and then kept', async () => {
    const dir = await tempDir();
    try {
      const options = { port: 0, dataDir: join(dir.path, 'data'), configDir: join(dir.path, 'config') };
      const first = await startServer(options);
      expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(first.certificate?.created).toBe(true);
      const ca = await readFile(first.certificate?.caPath as string);
      const status = await new Promise<number>((resolve, reject) => {
        httpsRequest(`${first.url}/api/health`, { ca }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
      await first.app.close();
      const second = await startServer(options);
      expect(second.certificate?.created).toBe(false);
      await second.app.close();
    } finally {
      await dir.remove();
    }
  });
});
