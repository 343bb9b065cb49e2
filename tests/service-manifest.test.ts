import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradsheet } from './support/cli.js';
import { tempDir } from './support/service.js';

/** `gradsheet manifest --url`: the add-in manifest for a class's service, valid by Microsoft's schemas (xmllint, offline). */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE = join(ROOT, 'manifest.xml');
// Microsoft's manifest schemas live beside the checkout, patched to load in xmllint offline.
const SCHEMA = join(ROOT, '..', 'shared', 'office-manifest-xsd', 'OfficeAppManifestV1_1.xsd');
const run = promisify(execFile);

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir('gradsheet-manifest-');
});
afterAll(() => dir?.remove());

async function manifest(url: string, name: string): Promise<string> {
  const out = join(dir.path, name);
  const result = await gradsheet(['manifest', '--url', url, '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  return readFile(out, 'utf8');
}

const urlsOf = (text: string) => [...text.matchAll(/(?:DefaultValue="|<AppDomain>)(\w+:\/\/[^"<]+)/g)].map((m) => m[1] as string);
const idOf = (text: string) => /<Id>([^<]+)<\/Id>/.exec(text)?.[1];

describe('gradsheet manifest', () => {
  it('moves every URL of the manifest to the address given, with an id of its own for that address', async () => {
    const template = await readFile(TEMPLATE, 'utf8');
    const text = await manifest('https://gradsheet.school.example:3443', 'class.xml');
    const urls = urlsOf(text);
    expect(urls).toHaveLength(urlsOf(template).length);
    for (const url of urls) expect(url).toMatch(/^https:\/\/gradsheet\.school\.example:3443(\/|$)/);
    expect(text).not.toContain('localhost');
    // Everything but the addresses, the id and the comment is the template's.
    const same = (t: string) => t.replace(/<!--[\s\S]*?-->/, '').replace(/https:\/\/[^/"<\s]+/g, 'ORIGIN').replace(/<Id>[^<]+<\/Id>/, '');
    expect(same(text)).toBe(same(template));
    expect(idOf(text)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idOf(text)).not.toBe(idOf(template));
    // The same address gives the same id (a new manifest replaces the old one); this machine's gives the template's.
    expect(idOf(await manifest('https://gradsheet.school.example:3443/', 'again.xml'))).toBe(idOf(text));
    expect(idOf(await manifest('https://10.0.0.5', 'ip.xml'))).not.toBe(idOf(text));
    expect(await manifest('https://localhost:3000', 'local.xml')).toBe(template.replace(/Sideloading is described in docs\/add-in\.md\./, 'Written by "gradsheet manifest" for this address.'));
  });

  it.skipIf(!existsSync(SCHEMA))('writes manifests that Microsoft’s schemas validate (xmllint)', async () => {
    for (const [url, name] of [
      ['https://gradsheet.school.example:3443', 'v1.xml'],
      ['https://10.0.0.5', 'v2.xml'],
      ['https://[2001:db8::1]:8443', 'v3.xml'],
    ] as const) {
      await manifest(url, name);
      const { stderr } = await run('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, join(dir.path, name)]);
      expect(stderr).toMatch(/validates/);
    }
  });

  it.each([
    ['http://gradsheet.school.example', /must start with https:\/\//],
    ['https://gradsheet.school.example/pane', /must be only https:\/\/host:port/],
    ['https://gradsheet.school.example?x=1', /must be only https:\/\/host:port/],
    ['gradsheet.school.example', /is not a URL/],
  ])('refuses --url %s with exit 2', async (url, message) => {
    const result = await gradsheet(['manifest', '--url', url, '--out', join(dir.path, 'bad.xml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(dir.path, 'bad.xml'))).toBe(false);
  });
});
