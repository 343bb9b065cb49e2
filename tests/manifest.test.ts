import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, tempDir, type Service } from './support/service.js';

/** The add-in manifest: Microsoft's schemas (offline, with xmllint) and GradSheet's own rules. */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST = join(ROOT, 'manifest.xml');
// Microsoft's manifest schemas live beside the checkout, patched to load in xmllint offline.
const SCHEMAS = join(ROOT, '..', 'shared', 'office-manifest-xsd');
const SCHEMA = join(SCHEMAS, 'OfficeAppManifestV1_1.xsd');
const DIST = join(ROOT, 'addin', 'dist');
const run = promisify(execFile);

async function xmllint(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stderr } = await run('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, file]);
    return { ok: true, output: stderr };
  } catch (error) {
    const failure = error as { code?: unknown; stderr?: string };
    if (failure.code === 'ENOENT') throw new Error('xmllint is not installed (Debian: apt-get install libxml2-utils)');
    return { ok: false, output: failure.stderr ?? String(error) };
  }
}

describe.skipIf(!existsSync(SCHEMAS))('manifest.xml against the Office add-in manifest schemas (xmllint)', () => {
  it('validates', async () => {
    const result = await xmllint(MANIFEST);
    expect(result.output).toMatch(/manifest\.xml validates/);
    expect(result.ok).toBe(true);
  });

  it('and a manifest with its elements out of order does not', async () => {
    const dir = await tempDir('gradsheet-manifest-');
    try {
      const text = await readFile(MANIFEST, 'utf8');
      // Permissions must follow DefaultSettings; the schema checks the order.
      const broken = text.replace(/\s*<Permissions>ReadWriteDocument<\/Permissions>/, '').replace('<Hosts>\n    <Host Name="Workbook"/>', '<Permissions>ReadWriteDocument</Permissions>\n  <Hosts>\n    <Host Name="Workbook"/>');
      expect(broken).not.toBe(text);
      const file = join(dir.path, 'manifest.xml');
      await writeFile(file, broken);
      expect((await xmllint(file)).ok).toBe(false);
    } finally {
      await dir.remove();
    }
  });
});

describe("manifest.xml by GradSheet's own rules", () => {
  let text: string;
  beforeAll(async () => {
    text = await readFile(MANIFEST, 'utf8');
  });

  it('is a task pane for workbooks needing ExcelApi 1.7, with ReadWriteDocument and a ribbon button', () => {
    expect(text).toMatch(/xsi:type="TaskPaneApp"/);
    expect(text).toMatch(/<Host Name="Workbook"\/>/);
    expect(text).toMatch(/<Set Name="ExcelApi" MinVersion="1.7"\/>/);
    expect(text).toMatch(/<Permissions>ReadWriteDocument<\/Permissions>/);
    expect(text).toMatch(/<Control xsi:type="Button"[\s\S]*<Action xsi:type="ShowTaskpane">/);
  });

  it('defines every resid it uses, exactly once', () => {
    const used = new Set([...text.matchAll(/resid="([^"]+)"/g)].map((m) => m[1]));
    const defined = [...text.matchAll(/<bt:(?:Image|Url|String) id="([^"]+)"/g)].map((m) => m[1]);
    expect(used.size).toBeGreaterThan(5);
    for (const id of used) expect(defined, `resid ${id}`).toContain(id);
    expect(new Set(defined).size).toBe(defined.length);
  });

  it('names only https URLs, on the service origin', () => {
    const urls = [...text.matchAll(/(?:DefaultValue="|<AppDomain>)(\w+:\/\/[^"<]+)/g)].map((m) => m[1] as string);
    expect(urls.length).toBeGreaterThan(8);
    for (const url of urls) expect(url).toMatch(/^https:\/\/localhost:3000(\/|$)/);
  });

  describe('and the service serves every page and icon it names', () => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    let service: Service;
    beforeAll(async () => {
      dir = await tempDir();
      service = await startService({ dataDir: dir.path, taskpaneDir: DIST });
    });
    afterAll(async () => {
      await service?.close();
      await dir?.remove();
    });

    it('from the add-in build', async () => {
      expect(existsSync(join(DIST, 'taskpane.html')), 'run npm run build first').toBe(true);
      const paths = [...new Set([...text.matchAll(/DefaultValue="https:\/\/localhost:3000(\/[^"]*)"/g)].map((m) => m[1] as string))];
      expect(paths).toEqual(expect.arrayContaining(['/taskpane.html', '/commands.html', '/assets/icon-16.png', '/assets/icon-32.png', '/assets/icon-80.png']));
      for (const path of paths) {
        const response = await fetch(`${service.url}${path}`);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type'), path).toMatch(path.endsWith('.png') ? /^image\/png/ : /^text\/html/);
        if (path.endsWith('.png')) {
          const bytes = new Uint8Array(await response.arrayBuffer());
          const size = Number(/icon-(\d+)\.png$/.exec(path)?.[1]);
          // The PNG header's width and height match the size the manifest promises.
          const view = new DataView(bytes.buffer);
          expect([view.getUint32(16), view.getUint32(20)]).toEqual([size, size]);
        }
      }
      // The pane's script and styles, as the built page names them.
      const page = await (await fetch(`${service.url}/taskpane.html`)).text();
      expect(page).toContain('https://appsforoffice.microsoft.com/lib/1/hosted/office.js');
      const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
      for (const asset of assets) expect((await fetch(`${service.url}${asset}`)).status, asset).toBe(200);
    });
  });
});
