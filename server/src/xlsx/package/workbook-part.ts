/**
 * The workbook part (`xl/workbook.xml`), read once per package: where each
 * sheet's part is, and the workbook-wide settings GradSheet sets (recalculation
 * on open, the structure lock). The package writes it back once, on save.
 */
import { GradSheetError } from '@gradsheet/shared';
import { resolveTarget, REL_TYPE_WORKSHEET, type Relationship } from './relationships.js';
import { attributes, findStartTag, namespacePrefix, NS_REL, startTagPattern, startTags, withAttribute } from './xml.js';

/** CT_Workbook's children that the schema places after `<calcPr>`. */
const AFTER_CALC_PR = [
  'oleSize',
  'customWorkbookViews',
  'pivotCaches',
  'smartTagPr',
  'smartTagTypes',
  'webPublishing',
  'fileRecoveryPr',
  'webPublishObjects',
  'extLst',
];
/** CT_Workbook's children that the schema places after `<workbookProtection>` (bookViews is optional, sheets is not). */
const AFTER_WORKBOOK_PROTECTION = ['bookViews', 'sheets'];

export class WorkbookPart {
  private edited = false;

  private constructor(
    /** The part's name, e.g. `xl/workbook.xml`. */
    readonly part: string,
    private xml: string,
    /** Sheet name → worksheet part name. Chart sheets and dialog sheets are left out. */
    readonly worksheetParts: ReadonlyMap<string, string>,
  ) {}

  static parse(part: string, xml: string, rels: readonly Relationship[]): WorkbookPart {
    const root = findStartTag(xml, 'workbook');
    if (root === undefined) throw new GradSheetError('INVALID_FILE', `${part} has no <workbook> root (a prefixed root is not supported)`);
    const relPrefix = namespacePrefix(root.tag, NS_REL) ?? 'r';
    const worksheetParts = new Map<string, string>();
    for (const tag of startTags(xml, 'sheet')) {
      const attrs = attributes(tag);
      const name = attrs.get('name');
      const rel = rels.find((r) => r.id === attrs.get(`${relPrefix}:id`));
      if (name === undefined || rel === undefined || rel.type !== REL_TYPE_WORKSHEET) continue;
      worksheetParts.set(name, resolveTarget(part, rel.target));
    }
    return new WorkbookPart(part, xml, worksheetParts);
  }

  /** Whether the part differs from what was read. */
  get changed(): boolean {
    return this.edited;
  }

  /** Whether sheets are locked against being added, removed, renamed or moved. */
  get structureLocked(): boolean {
    const protection = findStartTag(this.xml, 'workbookProtection');
    return protection !== undefined && isTrue(attributes(protection.tag).get('lockStructure'));
  }

  /** Whether the workbook asks to be recalculated in full when opened. */
  get fullCalcOnLoad(): boolean {
    const calcPr = findStartTag(this.xml, 'calcPr');
    return calcPr !== undefined && isTrue(attributes(calcPr.tag).get('fullCalcOnLoad'));
  }

  /** The part as it now stands. */
  toXml(): string {
    return this.xml;
  }

  /**
   * Asks Excel to recalculate every formula on open: cached results come from
   * GradSheet's engine or from the last application that saved the file.
   */
  setFullCalcOnLoad(): void {
    this.setOrInsert('calcPr', 'fullCalcOnLoad', AFTER_CALC_PR);
  }

  /** Structure protection without a password: guards against accidents, not against the learner. */
  lockStructure(): void {
    this.setOrInsert('workbookProtection', 'lockStructure', AFTER_WORKBOOK_PROTECTION);
  }

  /** Sets `attribute="1"` on the element, inserting it at its schema position (before the first of `before`) when absent. */
  private setOrInsert(element: string, attribute: string, before: readonly string[]): void {
    const existing = findStartTag(this.xml, element);
    if (existing !== undefined) {
      if (isTrue(attributes(existing.tag).get(attribute))) return;
      const tag = withAttribute(existing.tag, attribute, '1');
      this.xml = this.xml.slice(0, existing.index) + tag + this.xml.slice(existing.index + existing.tag.length);
    } else {
      const at = firstIndexOf(this.xml, before) ?? this.xml.lastIndexOf('</workbook>');
      if (at < 0) throw new GradSheetError('INVALID_FILE', `${this.part} has no </workbook> end tag`);
      this.xml = `${this.xml.slice(0, at)}<${element} ${attribute}="1"/>${this.xml.slice(at)}`;
    }
    this.edited = true;
  }
}

/** xsd:boolean's true. */
function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/** Where the first start tag of any of `names` is, if one is present. */
function firstIndexOf(xml: string, names: readonly string[]): number | undefined {
  const indices = names.map((name) => startTagPattern(name).exec(xml)?.index).filter((i): i is number => i !== undefined);
  return indices.length > 0 ? Math.min(...indices) : undefined;
}
