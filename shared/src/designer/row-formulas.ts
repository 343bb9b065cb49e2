import { LAYER_TYPES } from '../models/layer-types.js';
import { DESIGN_LIMITS } from '../models/parse-spec.js';
import { a1 } from '../workbook/addresses.js';
import { designerColumn, DESIGNER_FORM, layerTypeCode, layerTypeSpellings, UNKNOWN_TYPE_CODE, WINDOWED_TYPE_CODES, type DesignerColumnKey } from './layout.js';

/**
 * The live formulas of one layer row of the designer sheet. Each reads its own row's
 * inputs and the row above's results, as shared's shape inference steps from layer to
 * layer, so a learner can follow any number back to where it comes from.
 *
 * Only functions that Excel (any version since 2007) and LibreOffice both compute
 * are used: IF, AND, OR, NOT, INT, MOD, MAX, TRIM, LOWER, UPPER, MATCH, INDEX,
 * ISNUMBER. IF evaluates only the branch it takes in both, so a branch may assume
 * what its condition checked; AND and OR evaluate every argument, so theirs never fail.
 */

/** The formula columns of a layer row, in the order they are written. */
export const ROW_FORMULA_KEYS = ['code', 'window', 'step', 'pad', 'check', 'outC', 'outH', 'outW', 'params', 'rf', 'jump', 'form', 'whole', 'before'] as const;
export type RowFormulaKey = (typeof ROW_FORMULA_KEYS)[number];

const CONV = layerTypeCode('conv2d');
const BATCHNORM = layerTypeCode('batchnorm');
const DROPOUT = layerTypeCode('dropout');
const MAXPOOL = layerTypeCode('maxpool');
const AVGPOOL = layerTypeCode('avgpool');
const GAP = layerTypeCode('gap');
const FLATTEN = layerTypeCode('flatten');
const DENSE = layerTypeCode('dense');

const TYPE_NAMES = LAYER_TYPES.map((entry) => entry.name).join(', ');

/** Formula text of a string literal. */
function text(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** `x` is a whole number from `min` to `max` (either may be a formula); never an error, whatever `x` holds. */
function whole(x: string, min: number | string, max: number | string): string {
  return `IF(ISNUMBER(${x}),AND(${x}=INT(${x}),${x}>=${min},${x}<=${max}),FALSE)`;
}

/** 1 with a bias, 0 without, −1 for a value that is neither; blank means PyTorch's default, a bias. */
function biasCode(x: string): string {
  return `IF(${x}="",1,IF(${x}=TRUE,1,IF(${x}=FALSE,0,IF(UPPER(${x})="TRUE",1,IF(UPPER(${x})="FALSE",0,-1)))))`;
}

function anyOf(code: string, codes: readonly number[]): string {
  return codes.length === 1 ? `${code}=${codes[0]}` : `OR(${codes.map((c) => `${code}=${c}`).join(',')})`;
}

function list(values: readonly (string | number)[]): string {
  return `{${values.map((v) => (typeof v === 'number' ? String(v) : text(v))).join(',')}}`;
}

/**
 * The formulas of the layer row `row` (zero-based); `inputRow` is the image's row,
 * whose size is the whole field of view.
 */
export function rowFormulas(row: number, inputRow: number): Record<RowFormulaKey, string> {
  const at = (key: DesignerColumnKey) => a1({ row, col: designerColumn(key) });
  const above = (key: DesignerColumnKey) => a1({ row: row - 1, col: designerColumn(key) });
  const input = (key: DesignerColumnKey) => a1({ row: inputRow, col: designerColumn(key) }, { row: true, col: true });

  const code = at('code');
  const k = at('window');
  const s = at('step');
  const p = at('pad');
  const check = at('check');
  const [filters, kernel, stride, padding, rate, size, units, bias] = (
    ['filters', 'kernel', 'stride', 'padding', 'rate', 'size', 'units', 'bias'] as const
  ).map(at) as [string, string, string, string, string, string, string, string];
  const [c0, h0, w0, rf0, jump0, form0, whole0, before0] = (['outC', 'outH', 'outW', 'rf', 'jump', 'form', 'whole', 'before'] as const).map(above) as [
    string, string, string, string, string, string, string, string,
  ];
  const windowed = anyOf(code, WINDOWED_TYPE_CODES);
  const pool = anyOf(code, [MAXPOOL, AVGPOOL]);
  const failed = `${check}<>""`;

  const typed = `TRIM(${at('type')})`;
  const spellings = layerTypeSpellings();
  const names = list(spellings.map((entry) => entry.spelling));
  const match = `MATCH(${typed},${names},0)`;
  // MATCH reads * and ? as wildcards: the name it finds must also be the name typed.
  const codeFormula =
    `IF(${typed}="",0,IF(ISNUMBER(${match}),` +
    `IF(LOWER(INDEX(${names},${match}))=LOWER(${typed}),INDEX(${list(spellings.map((entry) => entry.code))},${match}),${UNKNOWN_TYPE_CODE}),` +
    `${UNKNOWN_TYPE_CODE}))`;

  const outH = `INT((${h0}+2*${p}-${k})/${s})+1`;
  const outW = `INT((${w0}+2*${p}-${k})/${s})+1`;

  // Why the row cannot work, checked in the design parser's order: the type, the row's
  // own fields, then its fit to the tensor it receives.
  const waits = (then: string) => `IF(NOT(ISNUMBER(${c0})),"fix the rows above first",${then})`;
  const needsMap = (then: string) =>
    `IF(${form0}=${DESIGNER_FORM.flat},"needs a channels × height × width input, but its input is already flat ("&${c0}&" features)",${then})`;
  const fits = (what: string) =>
    `IF(${outH}<1,${text(`${what} `)}&${k}&${what === 'kernel' ? `" with padding "&${p}&` : ''}" does not fit its "&${h0}&"×"&${w0}&" input (the output would be "&${outH}&")",` +
    `IF(${outW}<1,${text(`${what} `)}&${k}&" does not fit its "&${h0}&"×"&${w0}&" input (the output would be "&${outW}&")",""))`;
  const strideProblem = (then: string) =>
    `IF(AND(${stride}<>"",NOT(${whole(stride, 1, DESIGN_LIMITS.maxKernel)})),${text(`stride must be a whole number from 1 to ${DESIGN_LIMITS.maxKernel}`)},${then})`;
  const biasProblem = (then: string) => `IF(${biasCode(bias)}=-1,"bias must be TRUE or FALSE",${then})`;
  const paddingWord = `LOWER(TRIM(${padding}))`;
  const paddingOk =
    `IF(${padding}="",TRUE,IF(ISNUMBER(${padding}),${whole(padding, 0, `INT(${kernel}/2)`)},` +
    `OR(${paddingWord}="valid",AND(${paddingWord}="same",MOD(${kernel},2)=1))))`;
  const paddingProblem =
    `IF(AND(ISNUMBER(${padding})=FALSE,${paddingWord}="same"),"padding ""same"" needs an odd kernel, got "&${kernel},` +
    `"padding must be a whole number from 0 to "&INT(${kernel}/2)&", or same or valid")`;

  const conv =
    `IF(NOT(${whole(kernel, 1, DESIGN_LIMITS.maxKernel)}),${text(`kernel must be a whole number from 1 to ${DESIGN_LIMITS.maxKernel}`)},` +
    strideProblem(
      `IF(NOT(${paddingOk}),${paddingProblem},` +
        `IF(NOT(${whole(filters, 1, DESIGN_LIMITS.maxFilters)}),${text(`filters must be a whole number from 1 to ${thousands(DESIGN_LIMITS.maxFilters)}`)},` +
        biasProblem(waits(needsMap(fits('kernel')))) +
        '))',
    ) +
    ')';
  const pooling =
    `IF(NOT(${whole(size, 1, DESIGN_LIMITS.maxKernel)}),${text(`size must be a whole number from 1 to ${DESIGN_LIMITS.maxKernel}`)},` +
    strideProblem(waits(needsMap(fits('size')))) +
    ')';
  const dropout = `IF(IF(ISNUMBER(${rate}),OR(${rate}<0,${rate}>=1),TRUE),"rate must be a number from 0 up to (not including) 1",${waits('""')})`;
  const dense =
    `IF(NOT(${whole(units, 1, DESIGN_LIMITS.maxUnits)}),${text(`units must be a whole number from 1 to ${thousands(DESIGN_LIMITS.maxUnits)}`)},` +
    biasProblem(
      waits(`IF(${form0}=${DESIGNER_FORM.map},"a Linear layer needs a flat input, got "&${c0}&"×"&${h0}&"×"&${w0}&"; put Flatten or GAP before it","")`),
    ) +
    ')';
  const checkFormula =
    `IF(${code}=0,"",IF(${code}=${UNKNOWN_TYPE_CODE},"unknown type """&${typed}&"""; use one of ${TYPE_NAMES}",` +
    `IF(${code}=${CONV},${conv},IF(${pool},${pooling},IF(${code}=${DROPOUT},${dropout},IF(${code}=${DENSE},${dense},` +
    `IF(${code}=${GAP},${waits(needsMap('""'))},${waits('""')})))))))`;

  const flatOrMap = (c: string, h: string, w: string, form: string) => `IF(${form}=${DESIGNER_FORM.flat},${c}&"",${c}&"×"&${h}&"×"&${w})`;

  return {
    code: codeFormula,
    window: `IF(${code}=${CONV},${kernel},IF(${pool},${size},""))`,
    step: `IF(${code}=${CONV},IF(${stride}="",1,${stride}),IF(${pool},IF(${stride}="",${size},${stride}),""))`,
    pad:
      `IF(${code}=${CONV},IF(${padding}="",0,IF(ISNUMBER(${padding}),${padding},` +
      `IF(AND(${paddingWord}="same",ISNUMBER(${kernel})),(${kernel}-1)/2,0))),IF(${pool},0,""))`,
    check: checkFormula,
    outC: `IF(${failed},"",IF(${code}=${CONV},${filters},IF(${code}=${DENSE},${units},IF(${code}=${FLATTEN},${c0}*${h0}*${w0},${c0}))))`,
    outH: `IF(${failed},"",IF(${windowed},${outH},IF(${anyOf(code, [GAP, FLATTEN, DENSE])},1,${h0})))`,
    outW: `IF(${failed},"",IF(${windowed},${outW},IF(${anyOf(code, [GAP, FLATTEN, DENSE])},1,${w0})))`,
    params:
      `IF(OR(${failed},${code}=0),"",IF(${code}=${CONV},${k}*${k}*${c0}*${filters}+${filters}*${biasCode(bias)},` +
      `IF(${code}=${BATCHNORM},2*${c0},IF(${code}=${DENSE},${c0}*${units}+${units}*${biasCode(bias)},0))))`,
    rf: `IF(${failed},"",IF(${windowed},${rf0}+(${k}-1)*${jump0},IF(${anyOf(code, [GAP, DENSE])},${whole0},${rf0})))`,
    jump: `IF(${failed},"",IF(${windowed},${jump0}*${s},${jump0}))`,
    form: `IF(${failed},"",IF(${windowed},${DESIGNER_FORM.map},IF(${code}=${GAP},${DESIGNER_FORM.pooled},IF(${anyOf(code, [FLATTEN, DENSE])},${DESIGNER_FORM.flat},${form0}))))`,
    whole:
      `IF(${failed},"",IF(${windowed},MAX(${at('rf')}+(MAX(${at('outH')},${at('outW')})-1)*${at('jump')},MAX(${input('outH')},${input('outW')})),${whole0}))`,
    // `&""` keeps the image row's empty cell text, as every later row's is.
    before: `IF(AND(${code}=${DENSE},${check}=""),${flatOrMap(c0, h0, w0, form0)},${before0}&"")`,
  };
}

/** The shape a row hands on, as text: `16×5×5`, or `32` once flat. */
export function shapeTextFormula(row: number): string {
  const at = (key: DesignerColumnKey) => a1({ row, col: designerColumn(key) });
  return `IF(ISNUMBER(${at('outC')}),IF(${at('form')}=${DESIGNER_FORM.flat},${at('outC')}&"",${at('outC')}&"×"&${at('outH')}&"×"&${at('outW')}),"—")`;
}

function thousands(value: number): string {
  return value.toLocaleString('en-US');
}
