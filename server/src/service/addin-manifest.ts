import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { assertState, invalidInput } from '@gradsheet/shared';

/** The add-in manifest for a service on this machine: the template every other address is made from. */
export const MANIFEST_TEMPLATE = fileURLToPath(new URL('../../../manifest.xml', import.meta.url));

/** The address the template names. */
const TEMPLATE_ORIGIN = 'https://localhost:3000';
const TEMPLATE_ID = /<Id>([0-9a-f-]{36})<\/Id>/;

/**
 * A service's public address as `--url` or `--public-url` gives it: https (Office
 * loads add-ins over https only), a host and an optional port, nothing after.
 * Answers its origin, e.g. `https://gradsheet.school.example:3443`.
 */
export function checkPublicUrl(text: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(`${flag}: "${text}" is not a URL; write it as https://host:port`);
  }
  if (url.protocol !== 'https:') throw invalidInput(`${flag}: "${text}" must start with https:// (Office loads add-ins over https only)`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw invalidInput(`${flag}: "${text}" must be only https://host:port, with no path, query or user`);
  }
  return url.origin;
}

/**
 * The add-in's id for an address: the template's own for https://localhost:3000,
 * else one made from the address, so that a learner may have the add-in of their
 * own machine and their class's side by side, and a manifest made again for the
 * same address replaces the first.
 */
function addinId(origin: string, templateId: string): string {
  if (origin === TEMPLATE_ORIGIN) return templateId;
  const hex = createHash('sha256').update(`gradsheet-addin:${origin}`).digest('hex');
  // Shaped as a version 4 UUID, as the schema and Office expect.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The manifest for a service at `origin`: every URL in the template moved to it, and an id of its own. */
export function manifestFor(template: string, origin: string): string {
  const templateId = TEMPLATE_ID.exec(template)?.[1];
  assertState(templateId, 'manifest.xml has an <Id>');
  assertState(template.includes(TEMPLATE_ORIGIN), `manifest.xml names ${TEMPLATE_ORIGIN}`);
  const manifest = template
    .replaceAll(TEMPLATE_ORIGIN, origin)
    .replace(TEMPLATE_ID, `<Id>${addinId(origin, templateId)}</Id>`)
    // No "--" may appear inside an XML comment, so the command is named without its flag.
    .replace(/Sideloading is described in docs\/add-in\.md\./, 'Written by "gradsheet manifest" for this address.');
  assertState(origin === TEMPLATE_ORIGIN || !manifest.includes('localhost:3000'), 'every URL of the manifest is moved');
  return manifest;
}

export async function readManifestTemplate(): Promise<string> {
  return readFile(MANIFEST_TEMPLATE, 'utf8');
}
