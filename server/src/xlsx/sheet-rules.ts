/**
 * A sheet's list validations (drop-downs) and conditional formats, as exceljs
 * writes them: `<dataValidation type="list">` and `<conditionalFormatting>`
 * elements, the formats' looks as differential styles (`<dxf>`).
 */
import type ExcelJS from 'exceljs';
import { a1, type ColorScalePoint, type ConditionalFormatPlan, type ConditionalStyle, type RangeRef, type SheetPlan } from '@gradsheet/shared';

/** exceljs keeps a worksheet's validations by address in `dataValidations`, which its typings leave out. */
interface WithDataValidations {
  readonly dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
}

/** Adds the sheet's drop-down lists. Typed values outside a list are refused, as Excel does by default. */
export function addListValidations(worksheet: ExcelJS.Worksheet, sheet: SheetPlan): void {
  const { dataValidations } = worksheet as unknown as WithDataValidations;
  for (const validation of sheet.validations ?? []) {
    dataValidations.add(sqref(validation.range), {
      type: 'list',
      allowBlank: true,
      // The plan's rules keep commas and quotes out of the values, so a literal list needs no escaping.
      formulae: [`"${validation.values.join(',')}"`],
      showErrorMessage: true,
      errorStyle: 'stop',
      ...(validation.errorMessage !== undefined ? { error: validation.errorMessage } : {}),
    });
  }
}

/** Adds the sheet's conditional formats; the plan's first format has the highest priority. */
export function addConditionalFormats(worksheet: ExcelJS.Worksheet, sheet: SheetPlan): void {
  (sheet.conditionalFormats ?? []).forEach((format, index) => {
    worksheet.addConditionalFormatting({ ref: sqref(format.range), rules: [ruleOf(format, index + 1)] });
  });
}

function ruleOf(format: ConditionalFormatPlan, priority: number): ExcelJS.ConditionalFormattingRule {
  if (format.kind === 'formula') return { type: 'expression', priority, formulae: [format.formula], style: dxfStyle(format.style) };
  const points = format.mid ? [format.min, format.mid, format.max] : [format.min, format.max];
  return {
    type: 'colorScale',
    priority,
    cfvo: [
      scalePoint(format.min, { type: 'min' }),
      ...(format.mid ? [scalePoint(format.mid, { type: 'percentile', value: 50 })] : []),
      scalePoint(format.max, { type: 'max' }),
    ],
    color: points.map((point) => ({ argb: argb(point.color) })),
  };
}

/** A fixed number, or else the range's own lowest, middle or highest value. */
function scalePoint(point: ColorScalePoint, otherwise: ExcelJS.Cvfo): ExcelJS.Cvfo {
  return point.value !== undefined ? { type: 'num', value: point.value } : otherwise;
}

function dxfStyle(style: ConditionalStyle): Partial<ExcelJS.Style> {
  const result: Partial<ExcelJS.Style> = {};
  if (style.fill !== undefined) {
    // Readers differ on which colour a differential solid fill uses; both say the same.
    const color = { argb: argb(style.fill) };
    result.fill = { type: 'pattern', pattern: 'solid', fgColor: color, bgColor: color };
  }
  if (style.fontColor !== undefined) result.font = { color: { argb: argb(style.fontColor) } };
  return result;
}

function argb(rgb: string): string {
  return `FF${rgb.toUpperCase()}`;
}

/** A range as a worksheet names its own cells: "B2" or "B2:C9". */
function sqref(range: RangeRef): string {
  const start = a1(range.start);
  const end = a1(range.end);
  return start === end ? start : `${start}:${end}`;
}
