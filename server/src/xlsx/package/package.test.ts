import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { GradSheetError } from '@gradsheet/shared';
import { REL_TYPE_WORKSHEET } from './relationships.js';
import { WorkbookPart } from './workbook-part.js';
import { editWorksheet } from './worksheet-part.js';
import { XlsxPackage } from './xlsx-package.js';

/** A workbook as exceljs' ordinary writer saves it: with a zero-length entry for each folder. */
async function exceljsPackage(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('First').getCell('A1').value = 1;
  const second = workbook.addWorksheet('Second');
  second.getCell('B2').value = 'two';
  second.getCell('B2').note = 'a note';
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const WORKBOOK_RELS = [
  { id: 'rId1', type: REL_TYPE_WORKSHEET, target: 'worksheets/sheet1.xml' },
  { id: 'rId2', type: REL_TYPE_WORKSHEET, target: '/xl/worksheets/other.xml' },
];
const workbookXml = (inner: string): string =>
  `<?xml version="1.0"?><workbook xmlns="main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships">${inner}</workbook>`;
const SHEETS = '<sheets><sheet name="A &amp; B" sheetId="1" rel:id="rId1"/><sheet name="Other" sheetId="2" rel:id="rId2"/></sheets>';

describe('XlsxPackage', () => {
  it('refuses bytes that are not a package, and names a missing part', async () => {
    const notZip = XlsxPackage.open(Buffer.from('not a zip'));
    await expect(notZip).rejects.toThrow(GradSheetError);
    await expect(notZip).rejects.toMatchObject({ code: 'INVALID_FILE' });
    const pkg = await XlsxPackage.open(await exceljsPackage());
    await expect(pkg.readText('xl/nothing.xml')).rejects.toMatchObject({ code: 'INVALID_FILE', message: 'the package has no xl/nothing.xml' });
  });

  it('saves without folder entries, keeping every part', async () => {
    // One set of bytes for both sides: exceljs stamps the time of writing into docProps/core.xml.
    const bytes = await exceljsPackage();
    const original = await JSZip.loadAsync(bytes);
    const folders = Object.values(original.files).filter((entry) => entry.dir);
    expect(folders.length).toBeGreaterThan(0);
    const saved = await JSZip.loadAsync(await (await XlsxPackage.open(bytes)).save());
    expect(Object.values(saved.files).filter((entry) => entry.dir)).toEqual([]);
    const parts = Object.values(original.files).filter((entry) => !entry.dir).map((entry) => entry.name);
    expect(Object.keys(saved.files).sort()).toEqual(parts.sort());
    for (const part of parts) expect(await saved.file(part)!.async('string')).toBe(await original.file(part)!.async('string'));
  });

  it('adds relationships with the next free id, and content types once, on save', async () => {
    const pkg = await XlsxPackage.open(await exceljsPackage());
    const workbook = await pkg.workbook();
    const second = workbook.worksheetParts.get('Second')!;
    const taken = (await pkg.relationships(second)).map((rel) => rel.id);
    expect(taken.length).toBeGreaterThan(0);
    const id = await pkg.addRelationship(second, 'urn:test', 'xl/media/thing.bin');
    expect(taken).not.toContain(id);
    expect(await pkg.relationships(second)).toContainEqual({ id, type: 'urn:test', target: '../media/thing.bin' });
    pkg.write('xl/media/thing.bin', Buffer.from([1, 2, 3]));
    pkg.addContentType('xl/media/thing.bin', 'application/x-test');
    const saved = await JSZip.loadAsync(await pkg.save());
    const types = await saved.file('[Content_Types].xml')!.async('string');
    expect(types.match(/<Override PartName="\/xl\/media\/thing.bin" ContentType="application\/x-test"\/>/g)).toHaveLength(1);
  });

  it('finds the workbook part through the package relationships', async () => {
    const zip = await JSZip.loadAsync(await exceljsPackage());
    const rels = await zip.file('_rels/.rels')!.async('string');
    zip.file('book/main.xml', await zip.file('xl/workbook.xml')!.async('string'));
    zip.file('book/_rels/main.xml.rels', (await zip.file('xl/_rels/workbook.xml.rels')!.async('string')).replace(/Target="(?!\/)/g, 'Target="../xl/'));
    zip.remove('xl/workbook.xml');
    zip.file('_rels/.rels', rels.replace('Target="xl/workbook.xml"', 'Target="/book/main.xml"'));
    const pkg = await XlsxPackage.open(await zip.generateAsync({ type: 'nodebuffer' }));
    const workbook = await pkg.workbook();
    expect(workbook.part).toBe('book/main.xml');
    expect(workbook.worksheetParts.get('First')).toBe('xl/worksheets/sheet1.xml');
  });
});

describe('WorkbookPart', () => {
  it('maps sheet names to parts through the relationships, whatever the prefix', () => {
    const part = WorkbookPart.parse('xl/workbook.xml', workbookXml(SHEETS), WORKBOOK_RELS);
    expect([...part.worksheetParts]).toEqual([
      ['A & B', 'xl/worksheets/sheet1.xml'],
      ['Other', 'xl/worksheets/other.xml'],
    ]);
  });

  it('sets the recalculation flag and the lock on the elements already there, keeping their attributes', () => {
    const part = WorkbookPart.parse(
      'xl/workbook.xml',
      workbookXml(`<workbookProtection workbookPassword="CC3D" lockStructure="0"/>${SHEETS}<calcPr calcId="191029" iterate="1"/>`),
      WORKBOOK_RELS,
    );
    expect(part.structureLocked).toBe(false);
    part.setFullCalcOnLoad();
    part.lockStructure();
    expect(part.changed).toBe(true);
    expect(part.structureLocked).toBe(true);
    expect(part.fullCalcOnLoad).toBe(true);
    expect(part.toXml()).toContain('<workbookProtection workbookPassword="CC3D" lockStructure="1"/>');
    expect(part.toXml()).toContain('<calcPr calcId="191029" iterate="1" fullCalcOnLoad="1"/>');
  });

  it('inserts missing elements where the schema wants them', () => {
    const part = WorkbookPart.parse(
      'xl/workbook.xml',
      workbookXml(`<workbookPr/><bookViews><workbookView/></bookViews>${SHEETS}<definedNames/><extLst><ext uri="x"/></extLst>`),
      WORKBOOK_RELS,
    );
    part.lockStructure();
    part.setFullCalcOnLoad();
    expect(part.toXml()).toContain('<workbookPr/><workbookProtection lockStructure="1"/><bookViews>');
    expect(part.toXml()).toContain('<definedNames/><calcPr fullCalcOnLoad="1"/><extLst>');
  });

  it('leaves a part that already says so unchanged', () => {
    const xml = workbookXml(`<workbookProtection lockStructure="true"/>${SHEETS}<calcPr fullCalcOnLoad="1"/>`);
    const part = WorkbookPart.parse('xl/workbook.xml', xml, WORKBOOK_RELS);
    part.lockStructure();
    part.setFullCalcOnLoad();
    expect(part.changed).toBe(false);
    expect(part.toXml()).toBe(xml);
  });
});

describe('editWorksheet', () => {
  const sheetPart = 'xl/worksheets/sheet1.xml';
  async function packageWithSheet(tail: string): Promise<XlsxPackage> {
    const zip = new JSZip();
    zip.file(sheetPart, `<?xml version="1.0"?>\n<worksheet xmlns="main"><sheetData><row r="1"/></sheetData>${tail}</worksheet>`, { createFolders: false });
    return XlsxPackage.open(await zip.generateAsync({ type: 'nodebuffer' }));
  }

  it('puts the children after sheetData in schema order, keeping unknown ones with their neighbour', async () => {
    const pkg = await packageWithSheet(
      '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><dataValidations count="0"></dataValidations>' +
        '<sheetProtection sheet="1"/><pageMargins left="1"/><mc:AlternateContent xmlns:mc="mc"><x/></mc:AlternateContent><tableParts count="0"/>',
    );
    await editWorksheet(pkg, sheetPart, [{ name: 'drawing', xml: (r) => `<drawing ${r}:id="rId9"/>` }]);
    const xml = await pkg.readText(sheetPart);
    expect(xml).toContain('<worksheet xmlns="main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">');
    const tail = xml.slice(xml.indexOf('</sheetData>') + '</sheetData>'.length);
    expect(tail).toBe(
      '<sheetProtection sheet="1"/><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><dataValidations count="0"></dataValidations>' +
        '<pageMargins left="1"/><mc:AlternateContent xmlns:mc="mc"><x/></mc:AlternateContent><drawing r:id="rId9"/><tableParts count="0"/></worksheet>',
    );
  });

  it('does not rewrite a sheet that is already in order, and refuses a second drawing', async () => {
    const tail = '<sheetProtection sheet="1"/><pageMargins left="1"/><drawing r:id="rId1"/>';
    const pkg = await packageWithSheet(tail);
    const before = await pkg.readBytes(sheetPart);
    await editWorksheet(pkg, sheetPart);
    expect(await pkg.readBytes(sheetPart)).toEqual(before);
    await expect(editWorksheet(pkg, sheetPart, [{ name: 'drawing', xml: () => '<drawing/>' }])).rejects.toMatchObject({ code: 'INVALID_FILE' });
  });
});
