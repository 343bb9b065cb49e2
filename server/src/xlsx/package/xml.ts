/**
 * Just enough XML for editing package parts as text: escaping, reading and
 * setting a start tag's attributes, namespace prefixes, and walking the tags of
 * a fragment. Parts are edited in place rather than parsed into trees, so
 * everything GradSheet does not touch keeps its exact bytes.
 */
import { GradSheetError } from '@gradsheet/shared';

export const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const NS_PACKAGE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The inside of a start tag after its name: attribute values may hold `>`. */
const TAG_BODY = `(?:"[^"]*"|'[^']*'|[^'">])*?`;
/** Start and end tags (not comments or processing instructions). */
const TAG = new RegExp(`<(/?)([A-Za-z_][\\w.:-]*)${TAG_BODY}(/?)>`, 'g');
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** Characters XML 1.0 cannot carry at all, plus lone surrogates. */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML content or a double-quoted attribute, dropping characters XML cannot hold. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|quot|apos|amp);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return NAMED_ENTITIES[entity] ?? '';
  });
}

/** A pattern for the start tags (or empty-element tags) of `name`. */
export function startTagPattern(name: string, flags = ''): RegExp {
  return new RegExp(`<${name}\\b${TAG_BODY}/?>`, flags);
}

/** The first start tag of `name` in `xml`, with where it is. */
export function findStartTag(xml: string, name: string): { readonly tag: string; readonly index: number } | undefined {
  const match = startTagPattern(name).exec(xml);
  return match ? { tag: match[0], index: match.index } : undefined;
}

/** Every start tag of `name` in `xml`. */
export function startTags(xml: string, name: string): string[] {
  return [...xml.matchAll(startTagPattern(name, 'g'))].map(([tag]) => tag);
}

/** A start tag's attributes, with entity references decoded. */
export function attributes(startTag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const [, name = '', doubleQuoted, singleQuoted] of startTag.matchAll(ATTRIBUTE)) {
    attrs.set(name, unescapeXml(doubleQuoted ?? singleQuoted ?? ''));
  }
  return attrs;
}

/** The start tag with `name` set to `value`: replaced where present, else added last. */
export function withAttribute(startTag: string, name: string, value: string): string {
  const attribute = `${name}="${escapeXml(value)}"`;
  const existing = new RegExp(`(\\s)${name.replace(/[.]/g, '\\.')}\\s*=\\s*(?:"[^"]*"|'[^']*')`);
  if (existing.test(startTag)) return startTag.replace(existing, `$1${attribute}`);
  return startTag.replace(/\s*(\/?)>$/, ` ${attribute}$1>`);
}

/** The prefix a start tag binds to `namespace`, if any. */
export function namespacePrefix(startTag: string, namespace: string): string | undefined {
  for (const [name, value] of attributes(startTag)) {
    if (name.startsWith('xmlns:') && value === namespace) return name.slice('xmlns:'.length);
  }
  return undefined;
}

/** A tag met while walking a fragment. */
export interface Tag {
  readonly index: number;
  readonly length: number;
  readonly name: string;
  readonly closing: boolean;
  readonly selfClosing: boolean;
}

/** The start and end tags of an XML fragment, in order. */
export function* tagsOf(xml: string): Generator<Tag> {
  for (const match of xml.matchAll(TAG)) {
    const [text, closing, name = '', selfClosing] = match;
    yield { index: match.index, length: text.length, name, closing: closing === '/', selfClosing: selfClosing === '/' };
  }
}

/** Inserts `content` as the last children of the root element `root`, which may be self-closing. */
export function appendToRoot(xml: string, root: string, content: string, part: string): string {
  const close = xml.lastIndexOf(`</${root}>`);
  if (close >= 0) return xml.slice(0, close) + content + xml.slice(close);
  const selfClosing = findStartTag(xml, root);
  if (selfClosing === undefined || !selfClosing.tag.endsWith('/>')) {
    throw new GradSheetError('INVALID_FILE', `${part} has no <${root}> root element`);
  }
  const open = selfClosing.tag.replace(/\s*\/>$/, '>');
  return xml.slice(0, selfClosing.index) + open + content + `</${root}>` + xml.slice(selfClosing.index + selfClosing.tag.length);
}
