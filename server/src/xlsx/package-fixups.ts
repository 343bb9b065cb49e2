import JSZip from 'jszip';

const WORKBOOK_PART = 'xl/workbook.xml';

/**
 * Marks the workbook for a full recalculation when it is opened. exceljs' streaming
 * writer always writes empty calculation properties, so the flag is set afterwards.
 * Unchanged parts keep their compressed bytes when the package is regenerated.
 */
export async function setFullCalcOnLoad(xlsx: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  const part = zip.file(WORKBOOK_PART);
  if (!part) throw new Error('the package has no xl/workbook.xml');
  const xml = await part.async('string');
  const calcPr = '<calcPr calcId="171027" fullCalcOnLoad="1"/>';
  const updated = /<calcPr\b[^>]*\/>/.test(xml)
    ? xml.replace(/<calcPr\b[^>]*\/>/, calcPr)
    : xml.replace('</workbook>', `${calcPr}</workbook>`);
  zip.file(WORKBOOK_PART, updated);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
