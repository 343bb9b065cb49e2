/**
 * OPC relationships: the `_rels/*.rels` parts that tie a package's parts
 * together, how their targets resolve to part names, and their XML.
 */
import { posix } from 'node:path';
import { attributes, escapeXml, NS_PACKAGE_REL, NS_REL, startTags, XML_DECLARATION } from './xml.js';

export const REL_TYPE_OFFICE_DOCUMENT = `${NS_REL}/officeDocument`;
export const REL_TYPE_WORKSHEET = `${NS_REL}/worksheet`;
export const REL_TYPE_DRAWING = `${NS_REL}/drawing`;
export const REL_TYPE_CHART = `${NS_REL}/chart`;

export interface Relationship {
  readonly id: string;
  readonly type: string;
  readonly target: string;
}

/** `xl/worksheets/sheet1.xml` → `xl/worksheets/_rels/sheet1.xml.rels`; the package's own rels for ''. */
export function relsPartOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

/** A relationship target as a part name: absolute targets start at the package root. */
export function resolveTarget(sourcePart: string, target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(posix.dirname(sourcePart), target));
}

/** The target by which `sourcePart` reaches `targetPart`. */
export function relativeTarget(sourcePart: string, targetPart: string): string {
  return posix.relative(posix.dirname(sourcePart), targetPart);
}

/** The relationships a rels part declares; incomplete entries are skipped. */
export function parseRelationships(xml: string): Relationship[] {
  const rels: Relationship[] = [];
  for (const tag of startTags(xml, 'Relationship')) {
    const attrs = attributes(tag);
    const id = attrs.get('Id');
    const type = attrs.get('Type');
    const target = attrs.get('Target');
    if (id !== undefined && type !== undefined && target !== undefined) rels.push({ id, type, target });
  }
  return rels;
}

/** The first `rIdN` not among `taken`, counting on from their number. */
export function freeRelationshipId(taken: readonly Relationship[]): string {
  const ids = new Set(taken.map((rel) => rel.id));
  let n = taken.length + 1;
  while (ids.has(`rId${n}`)) n++;
  return `rId${n}`;
}

/** One `<Relationship/>` element. */
export function relationshipXml(rel: Relationship): string {
  return `<Relationship Id="${escapeXml(rel.id)}" Type="${escapeXml(rel.type)}" Target="${escapeXml(rel.target)}"/>`;
}

/** A complete relationships part. */
export function relationshipsXml(rels: readonly Relationship[]): string {
  return `${XML_DECLARATION}<Relationships xmlns="${NS_PACKAGE_REL}">${rels.map(relationshipXml).join('')}</Relationships>`;
}
