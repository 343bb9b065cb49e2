/**
 * `range.conditionalFormats` (ExcelApi 1.6): custom formula rules and colour
 * scales. As in Excel, `add` puts the new format at the top priority, a protected
 * sheet refuses every change, and a format's type-specific part exists only for
 * its own type.
 */
import type { FakeRequestContext } from './context.js';
import { FakeExcelError, payloadSize, setters } from './errors.js';
import { checkSheetUnprotected } from './protection.js';
import type { FakeRange } from './ranges.js';
import { overlaps, type FakeColorScaleCriterion, type FakeConditionalFormat, type FakeSheet } from './state.js';

/** Excel.ConditionalFormatType's values. */
const FORMAT_TYPES = ['Custom', 'DataBar', 'ColorScale', 'IconSet', 'TopBottom', 'PresetCriteria', 'ContainsText', 'CellValue'];
/** Excel.ConditionalFormatColorCriterionType's values, and those that need a formula (a number, or one computed). */
const CRITERION_TYPES = ['LowestValue', 'HighestValue', 'Number', 'Percent', 'Formula', 'Percentile'];
const NEEDS_FORMULA = ['Number', 'Percent', 'Formula', 'Percentile'];

export class FakeConditionalFormatCollection {
  constructor(
    private readonly context: FakeRequestContext,
    private readonly range: FakeRange,
  ) {}

  add(type: string): FakeConditionalFormatObject {
    this.context.record(`ConditionalFormats.add ${type} ${this.range.address}`, payloadSize(type), true);
    const sheet = this.range.worksheet.state();
    const entry: FakeConditionalFormat = { area: this.range.area, type: type as FakeConditionalFormat['type'] };
    if (!FORMAT_TYPES.includes(type)) {
      this.context.fail('InvalidArgument', `no conditional format type "${type}"`);
    } else if (type !== 'Custom' && type !== 'ColorScale') {
      throw new FakeExcelError('InvalidArgument', `the fake knows custom and colour-scale formats only, not ${type}`);
    } else if (checkSheetUnprotected(this.context, sheet, 'add a conditional format')) {
      sheet.conditionalFormats.unshift(entry);
    }
    return new FakeConditionalFormatObject(this.context, sheet, entry);
  }

  /** Removes every format that overlaps the range. */
  clearAll(): void {
    this.context.record(`ConditionalFormats.clearAll ${this.range.address}`, 0, true);
    const sheet = this.range.worksheet.state();
    if (!checkSheetUnprotected(this.context, sheet, 'clear conditional formats')) return;
    sheet.conditionalFormats = sheet.conditionalFormats.filter((format) => !overlaps(format.area, this.range.area));
  }
}

/** One conditional format: `custom` or `colorScale`, whichever its type is. */
export class FakeConditionalFormatObject {
  constructor(
    private readonly context: FakeRequestContext,
    private readonly sheet: FakeSheet,
    private readonly entry: FakeConditionalFormat,
  ) {}

  get type(): string {
    return this.entry.type;
  }

  get custom(): { rule: { formula?: string }; format: { fill: { color?: string }; font: { color?: string } } } {
    this.expectType('Custom', 'custom');
    const change = (what: string, value: unknown, apply: () => void) => {
      this.context.record(`ConditionalFormat.custom.${what}`, payloadSize(value), true);
      if (checkSheetUnprotected(this.context, this.sheet, 'change a conditional format')) apply();
    };
    return {
      rule: setters({
        formula: (formula: string) =>
          change('rule.formula', formula, () => {
            // Without "=" Excel would read the text as a constant and never apply the format; the fake refuses it so a test sees the slip.
            if (!formula.startsWith('=')) this.context.fail('InvalidArgument', `a rule's formula starts with "=": "${formula}"`);
            else this.entry.formula = formula;
          }),
      }),
      format: {
        fill: setters({ color: (color: string) => change('format.fill.color', color, () => (this.entry.fill = color)) }),
        font: setters({ color: (color: string) => change('format.font.color', color, () => (this.entry.fontColor = color)) }),
      },
    };
  }

  get colorScale(): { criteria?: NonNullable<FakeConditionalFormat['criteria']> } {
    this.expectType('ColorScale', 'colorScale');
    const { context, sheet, entry } = this;
    return setters({
      criteria: (criteria: NonNullable<FakeConditionalFormat['criteria']>) => {
        context.record('ConditionalFormat.colorScale.criteria', payloadSize(criteria), true);
        if (!checkSheetUnprotected(context, sheet, 'change a conditional format')) return;
        const problem = criteriaProblem(criteria);
        if (problem) context.fail('InvalidArgument', problem);
        else entry.criteria = criteria;
      },
    });
  }

  private expectType(type: FakeConditionalFormat['type'], part: string): void {
    if (this.entry.type !== type) this.context.fail('ItemNotFound', `a ${this.entry.type} conditional format has no ${part} part`);
  }
}

function criteriaProblem(criteria: { minimum?: FakeColorScaleCriterion; midpoint?: FakeColorScaleCriterion; maximum?: FakeColorScaleCriterion }): string | undefined {
  if (!criteria.minimum || !criteria.maximum) return 'a colour scale needs a minimum and a maximum';
  for (const [point, criterion] of Object.entries(criteria) as [string, FakeColorScaleCriterion | undefined][]) {
    if (!criterion) continue;
    if (!CRITERION_TYPES.includes(criterion.type)) return `the ${point} has no criterion type "${criterion.type}"`;
    const hasFormula = criterion.formula !== undefined && criterion.formula !== null && criterion.formula !== '';
    if (NEEDS_FORMULA.includes(criterion.type) && !hasFormula) return `the ${point} (${criterion.type}) needs a formula`;
  }
  return undefined;
}
