/**
 * `range.dataValidation` (ExcelApi 1.8), list rules only, as strict as Excel: one
 * rule type at a time, a list source of at most 255 characters, an alert title of
 * at most 32 and a message of at most 255, and no change on a protected sheet.
 */
import type { FakeRequestContext } from './context.js';
import { FakeExcelError, payloadSize } from './errors.js';
import { checkSheetUnprotected } from './protection.js';
import type { FakeRange } from './ranges.js';
import { areaText, overlaps, sameArea, type FakeValidation } from './state.js';

/** Excel's limits on a list's typed source and on the texts of its alert (Data > Data Validation). */
export const LIST_SOURCE_LIMIT = 255;
export const ALERT_TITLE_LIMIT = 32;
export const ALERT_MESSAGE_LIMIT = 255;

const RULE_TYPES = ['custom', 'date', 'decimal', 'list', 'textLength', 'time', 'wholeNumber'] as const;
const ALERT_STYLES = ['Stop', 'Warning', 'Information'];

interface ListRule {
  readonly inCellDropDown?: boolean;
  readonly source: string | FakeRange;
}

export class FakeDataValidation {
  constructor(
    private readonly context: FakeRequestContext,
    private readonly range: FakeRange,
  ) {}

  set rule(rule: Partial<Record<(typeof RULE_TYPES)[number], unknown>>) {
    this.context.record(`DataValidation.rule ${this.range.address}`, payloadSize(rule), true);
    const kinds = Object.keys(rule).filter((key) => rule[key as keyof typeof rule] !== undefined);
    if (kinds.length !== 1 || !RULE_TYPES.includes(kinds[0] as (typeof RULE_TYPES)[number])) {
      this.context.fail('InvalidArgument', `a data validation rule has exactly one of ${RULE_TYPES.join(', ')}; got ${kinds.join(', ') || 'none'}`);
      return;
    }
    if (kinds[0] !== 'list') throw new FakeExcelError('InvalidArgument', `the fake knows list rules only, not ${kinds[0]}`);
    const list = rule.list as ListRule;
    const source = typeof list.source === 'string' ? list.source : `=${areaText(list.source.area)}`;
    const problem =
      source.trim() === ''
        ? 'a list needs a source'
        : typeof list.source === 'string' && source.length > LIST_SOURCE_LIMIT
          ? `a list source is at most ${LIST_SOURCE_LIMIT} characters; got ${source.length}`
          : undefined;
    if (problem !== undefined) {
      this.context.fail('InvalidArgument', problem);
      return;
    }
    this.update('set a data validation rule', (entry) => (entry.list = { source, inCellDropDown: list.inCellDropDown ?? true }));
  }

  set errorAlert(alert: { message?: string; showAlert?: boolean; style?: string; title?: string }) {
    this.context.record(`DataValidation.errorAlert ${this.range.address}`, payloadSize(alert), true);
    const problem =
      alert.style !== undefined && !ALERT_STYLES.includes(alert.style)
        ? `no alert style "${alert.style}"`
        : (alert.title ?? '').length > ALERT_TITLE_LIMIT
          ? `an alert title is at most ${ALERT_TITLE_LIMIT} characters`
          : (alert.message ?? '').length > ALERT_MESSAGE_LIMIT
            ? `an alert message is at most ${ALERT_MESSAGE_LIMIT} characters`
            : undefined;
    if (problem !== undefined) {
      this.context.fail('InvalidArgument', problem);
      return;
    }
    this.update('set a data validation alert', (entry) => (entry.errorAlert = { ...alert }));
  }

  set prompt(prompt: { message?: string; showPrompt?: boolean; title?: string }) {
    this.context.record(`DataValidation.prompt ${this.range.address}`, payloadSize(prompt), true);
    this.update('set a data validation prompt', (entry) => (entry.prompt = { ...prompt }));
  }

  set ignoreBlanks(value: boolean) {
    this.context.record(`DataValidation.ignoreBlanks ${this.range.address}`, 0, true);
    this.update('set a data validation', (entry) => (entry.ignoreBlanks = value));
  }

  /** Clears every drop-down that overlaps the range, as Excel clears the overlapping cells. */
  clear(): void {
    this.context.record(`DataValidation.clear ${this.range.address}`, 0, true);
    const sheet = this.range.worksheet.state();
    if (!checkSheetUnprotected(this.context, sheet, 'clear data validation')) return;
    sheet.validations = sheet.validations.filter((entry) => !overlaps(entry.area, this.range.area));
  }

  /** The entry for exactly this range, made on first use; a protected sheet refuses. */
  private update(what: string, change: (entry: FakeValidation) => void): void {
    const sheet = this.range.worksheet.state();
    if (!checkSheetUnprotected(this.context, sheet, what)) return;
    let entry = sheet.validations.find((candidate) => sameArea(candidate.area, this.range.area));
    if (!entry) sheet.validations.push((entry = { area: this.range.area }));
    change(entry);
  }
}
