/**
 * Edits a worksheet part's children after `<sheetData>`: adds elements and puts
 * them all in CT_Worksheet's schema order. Excel refuses (or "repairs") a sheet
 * whose children are out of order; exceljs' streaming writer writes
 * `<sheetProtection>` after merges, conditional formats and validations.
 *
 * Worksheet parts can be hundreds of megabytes, so a sheet is never decoded
 * whole: only its root tag and the part after `</sheetData>` are read as text.
 */
import { GradSheetError } from '@gradsheet/shared';
import type { XlsxPackage } from './xlsx-package.js';
import { attributes, namespacePrefix, NS_REL, startTagPattern, tagsOf } from './xml.js';

/** CT_Worksheet's children, in the order the schema requires. */
const WORKSHEET_CHILDREN = [
  'sheetPr',
  'dimension',
  'sheetViews',
  'sheetFormatPr',
  'cols',
  'sheetData',
  'sheetCalcPr',
  'sheetProtection',
  'protectedRanges',
  'scenarios',
  'autoFilter',
  'sortState',
  'dataConsolidate',
  'customSheetViews',
  'mergeCells',
  'phoneticPr',
  'conditionalFormatting',
  'dataValidations',
  'hyperlinks',
  'printOptions',
  'pageMargins',
  'pageSetup',
  'headerFooter',
  'rowBreaks',
  'colBreaks',
  'customProperties',
  'cellWatches',
  'ignoredErrors',
  'smartTags',
  'drawing',
  'legacyDrawing',
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
] as const;

export type WorksheetChildName = (typeof WORKSHEET_CHILDREN)[number];

const RANK: ReadonlyMap<string, number> = new Map(WORKSHEET_CHILDREN.map((name, rank) => [name, rank]));

/** An element to add to a worksheet. */
export interface NewWorksheetChild {
  readonly name: WorksheetChildName;
  /** Its XML, given the prefix the worksheet binds to the relationships namespace (bound if it was not). */
  readonly xml: (relPrefix: string) => string;
}

interface Child {
  readonly name: string;
  readonly xml: string;
}

/**
 * Adds `added` to the sheet and puts its children after `<sheetData>` in schema
 * order. The part is rewritten only when something changes. A sheet may hold
 * each added element once: adding one it already has is refused.
 */
export async function editWorksheet(pkg: XlsxPackage, sheetPart: string, added: readonly NewWorksheetChild[] = []): Promise<void> {
  const bytes = await pkg.readBytes(sheetPart);

  const rootStart = bytes.indexOf('<worksheet');
  if (rootStart < 0) throw new GradSheetError('INVALID_FILE', `${sheetPart}: no <worksheet> root (a prefixed root is not supported)`);
  const headText = bytes.subarray(rootStart, rootStart + 64 * 1024).toString('utf8');
  const rootTag = startTagPattern('worksheet').exec(headText)?.[0];
  if (rootTag === undefined || rootTag.endsWith('/>')) throw new GradSheetError('INVALID_FILE', `${sheetPart}: unreadable <worksheet> start tag`);
  const rootEnd = rootStart + Buffer.byteLength(rootTag, 'utf8');

  const sheetDataEnd = bytes.lastIndexOf('</sheetData>');
  const tailStart = sheetDataEnd >= 0 ? sheetDataEnd + '</sheetData>'.length : rootEnd;
  const tail = bytes.subarray(tailStart).toString('utf8');
  const { children, end } = topLevelChildren(tail, sheetPart);

  // The prefix of r:id must be bound on the root; bind it if the writer did not.
  let newRootTag = rootTag;
  let relPrefix = namespacePrefix(rootTag, NS_REL);
  if (relPrefix === undefined && added.length > 0) {
    if (attributes(rootTag).has('xmlns:r')) throw new GradSheetError('INVALID_FILE', `${sheetPart}: prefix r is bound to another namespace`);
    relPrefix = 'r';
    newRootTag = rootTag.replace(/\s*>$/, ` xmlns:r="${NS_REL}">`);
  }
  for (const child of added) {
    if (children.some((c) => c.name === child.name)) {
      throw new GradSheetError('INVALID_FILE', `${sheetPart} already has a <${child.name}>; adding another is not supported`);
    }
    children.push({ name: child.name, xml: child.xml(relPrefix ?? 'r') });
  }

  const ordered = inSchemaOrder(children);
  if (added.length === 0 && ordered.every((child, i) => child === children[i])) return;
  pkg.write(
    sheetPart,
    Buffer.concat([
      bytes.subarray(0, rootStart),
      Buffer.from(newRootTag, 'utf8'),
      bytes.subarray(rootEnd, tailStart),
      Buffer.from(ordered.map((child) => child.xml).join('') + tail.slice(end), 'utf8'),
    ]),
  );
}

/** The elements of a worksheet's tail, up to where `</worksheet>` starts. */
function topLevelChildren(tail: string, sheetPart: string): { children: Child[]; end: number } {
  const children: Child[] = [];
  let depth = 0;
  let start = 0;
  let name = '';
  for (const tag of tagsOf(tail)) {
    if (tag.closing) {
      if (depth === 0) return { children, end: tag.index }; // </worksheet>
      if (--depth === 0) children.push({ name, xml: tail.slice(start, tag.index + tag.length) });
      continue;
    }
    if (depth === 0) {
      start = tag.index;
      name = tag.name;
      if (tag.selfClosing) {
        children.push({ name, xml: tail.slice(start, tag.index + tag.length) });
        continue;
      }
    }
    if (!tag.selfClosing) depth++;
  }
  throw new GradSheetError('INVALID_FILE', `${sheetPart}: no </worksheet> end tag`);
}

/**
 * A stable sort by schema position. An element the schema does not name (such
 * as mc:AlternateContent) keeps its place after the element before it.
 */
function inSchemaOrder(children: readonly Child[]): Child[] {
  let previous = -1;
  const ranked = children.map((child, index) => {
    previous = RANK.get(child.name) ?? previous;
    return { child, index, rank: previous };
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ child }) => child);
}
