/**
 * A sheet's drop-down lists and conditional formats through Office.js, as
 * Microsoft documents them (Range.dataValidation, Range.conditionalFormats). The
 * enum values are passed as their strings ("Custom", "LowestValue"), as the rest of
 * the writer does, so nothing depends on the global `Excel` beyond `Excel.run`.
 */
import type { ColorScalePoint, ConditionalFormatPlan, ListValidationPlan } from '@gradsheet/shared';

/** Data validation arrived in ExcelApi 1.8, after the manifest's minimum: checked at run time. */
export const DATA_VALIDATION_API = '1.8';

/** The list as a typed source, "Conv2d,ReLU,…": the plan's rules keep commas and quotes out of values and the whole within Excel's 255 characters. */
export function listSource(validation: ListValidationPlan): string {
  return validation.values.join(',');
}

/** A drop-down on `range`; a typed value outside the list is refused, with the plan's sentence when it has one. */
export function applyListValidation(range: Excel.Range, validation: ListValidationPlan): void {
  const dataValidation = range.dataValidation;
  dataValidation.rule = { list: { inCellDropDown: true, source: listSource(validation) } };
  if (validation.errorMessage !== undefined) {
    dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: '', message: validation.errorMessage };
  }
}

/** One conditional format on `range`. Excel adds it at the top priority, so a writer adds a sheet's formats last to first. */
export function applyConditionalFormat(range: Excel.Range, format: ConditionalFormatPlan): void {
  if (format.kind === 'formula') {
    const custom = range.conditionalFormats.add('Custom').custom;
    // The plan keeps formulas without "=" (for the top-left cell, moving with each cell); Excel's rule takes it with one.
    custom.rule.formula = `=${format.formula}`;
    if (format.style.fill !== undefined) custom.format.fill.color = `#${format.style.fill}`;
    if (format.style.fontColor !== undefined) custom.format.font.color = `#${format.style.fontColor}`;
    return;
  }
  range.conditionalFormats.add('ColorScale').colorScale.criteria = {
    minimum: scalePoint(format.min, { type: 'LowestValue' }),
    // The middle of a three-colour scale is the 50th percentile unless the plan fixes it, as in Excel's own default.
    ...(format.mid ? { midpoint: scalePoint(format.mid, { type: 'Percentile', formula: '50' }) } : {}),
    maximum: scalePoint(format.max, { type: 'HighestValue' }),
  };
}

/** A fixed number, or else the range's own lowest, middle or highest value. */
function scalePoint(point: ColorScalePoint, otherwise: Pick<Excel.ConditionalColorScaleCriterion, 'type' | 'formula'>): Excel.ConditionalColorScaleCriterion {
  const where = point.value !== undefined ? { type: 'Number' as const, formula: String(point.value) } : otherwise;
  return { ...where, color: `#${point.color}` };
}
