/**
 * An opened .xlsx package (an OPC zip): its parts, their relationships and
 * content types, and the workbook part, edited in memory and saved once.
 *
 * Edits to `[Content_Types].xml` and to the workbook part are collected and
 * written once, on save. Untouched parts keep their compressed bytes, so a
 * package whose worksheets run to hundreds of megabytes saves quickly.
 */
import JSZip from 'jszip';
import { GradSheetError } from '@gradsheet/shared';
import {
  freeRelationshipId,
  parseRelationships,
  relationshipsXml,
  relationshipXml,
  relativeTarget,
  relsPartOf,
  resolveTarget,
  REL_TYPE_OFFICE_DOCUMENT,
  type Relationship,
} from './relationships.js';
import { WorkbookPart } from './workbook-part.js';
import { appendToRoot, escapeXml } from './xml.js';

const CONTENT_TYPES_PART = '[Content_Types].xml';
/** Where every writer GradSheet meets puts the workbook, when the package's own relationships do not say. */
const DEFAULT_WORKBOOK_PART = 'xl/workbook.xml';

/**
 * DEFLATE level for the parts that are (re)compressed on save. Untouched parts
 * keep their original compressed bytes, so this only costs time on new and
 * edited parts; level 6 is zlib's default balance.
 */
const DEFLATE_LEVEL = 6;

export class XlsxPackage {
  private readonly overrides: { readonly part: string; readonly contentType: string }[] = [];
  private workbookPart: Promise<WorkbookPart> | undefined;

  private constructor(private readonly zip: JSZip) {}

  /** Opens a package; a file that is not a zip is INVALID_FILE. */
  static async open(bytes: Buffer): Promise<XlsxPackage> {
    try {
      return new XlsxPackage(await JSZip.loadAsync(bytes));
    } catch (error) {
      throw new GradSheetError('INVALID_FILE', `not an .xlsx package (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  has(part: string): boolean {
    return this.zip.file(part) !== null;
  }

  /** Part names in the package (folder entries left out). */
  parts(): string[] {
    return Object.values(this.zip.files)
      .filter((entry) => !entry.dir)
      .map((entry) => entry.name);
  }

  async readText(part: string): Promise<string> {
    return this.entry(part).async('string');
  }

  async readBytes(part: string): Promise<Buffer> {
    return this.entry(part).async('nodebuffer');
  }

  /** Creates or replaces a part; no folder entries are made for its path. */
  write(part: string, content: string | Buffer): void {
    this.zip.file(part, content, { createFolders: false });
  }

  /** Declares a new part's content type (written on save). */
  addContentType(part: string, contentType: string): void {
    this.overrides.push({ part, contentType });
  }

  /** The highest N among part names matching `pattern` (whose first group is N), or 0. */
  highestPartNumber(pattern: RegExp): number {
    let highest = 0;
    for (const part of this.parts()) {
      const number = pattern.exec(part)?.[1];
      if (number !== undefined) highest = Math.max(highest, Number(number));
    }
    return highest;
  }

  /** The relationships from `sourcePart` ('' for the package itself). */
  async relationships(sourcePart: string): Promise<Relationship[]> {
    const relsPart = relsPartOf(sourcePart);
    return this.has(relsPart) ? parseRelationships(await this.readText(relsPart)) : [];
  }

  /** Adds a relationship from `sourcePart` to `targetPart`, creating or extending its rels part; returns the new id. */
  async addRelationship(sourcePart: string, type: string, targetPart: string): Promise<string> {
    const relsPart = relsPartOf(sourcePart);
    const existing = await this.relationships(sourcePart);
    const rel: Relationship = { id: freeRelationshipId(existing), type, target: relativeTarget(sourcePart, targetPart) };
    if (!this.has(relsPart)) this.write(relsPart, relationshipsXml([rel]));
    else this.write(relsPart, appendToRoot(await this.readText(relsPart), 'Relationships', relationshipXml(rel), relsPart));
    return rel.id;
  }

  /** The workbook part, read once; its edits are written on save. */
  workbook(): Promise<WorkbookPart> {
    this.workbookPart ??= this.readWorkbook();
    return this.workbookPart;
  }

  /** The package's bytes, with no folder entries (Office is reported to repair packages that have them). */
  async save(): Promise<Buffer> {
    if (this.workbookPart) {
      const workbook = await this.workbookPart;
      if (workbook.changed) this.write(workbook.part, workbook.toXml());
    }
    if (this.overrides.length > 0) {
      const xml = await this.readText(CONTENT_TYPES_PART);
      const overrides = this.overrides
        .map(({ part, contentType }) => `<Override PartName="/${escapeXml(part)}" ContentType="${escapeXml(contentType)}"/>`)
        .join('');
      this.write(CONTENT_TYPES_PART, appendToRoot(xml, 'Types', overrides, CONTENT_TYPES_PART));
      this.overrides.length = 0;
    }
    // JSZip's remove() of a folder removes its contents too, so only the entries themselves go.
    for (const entry of Object.values(this.zip.files)) {
      if (entry.dir) delete this.zip.files[entry.name];
    }
    return this.zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: DEFLATE_LEVEL } });
  }

  private async readWorkbook(): Promise<WorkbookPart> {
    const main = (await this.relationships('')).find((rel) => rel.type === REL_TYPE_OFFICE_DOCUMENT);
    const part = main ? resolveTarget('', main.target) : DEFAULT_WORKBOOK_PART;
    return WorkbookPart.parse(part, await this.readText(part), await this.relationships(part));
  }

  private entry(part: string): JSZip.JSZipObject {
    const file = this.zip.file(part);
    if (file === null) throw new GradSheetError('INVALID_FILE', `the package has no ${part}`);
    return file;
  }
}
