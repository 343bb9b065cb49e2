export {
  checkChoice,
  checkFlag,
  checkList,
  checkNumber,
  describeNumber,
  integerRule,
  numberHint,
  type ChoiceRule,
  type FieldNamer,
  type FieldRule,
  type FlagRule,
  type ListRule,
  type NumberRule,
} from './rules.js';
export * from './limits.js';
export * from './backprop-workbook.js';
export * from './training.js';
