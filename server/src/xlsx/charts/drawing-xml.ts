/** The spreadsheet drawing part (`xl/drawings/drawingN.xml`) that places charts on a sheet. */
import { GradSheetError, type CellPosition, type LineChartPlan } from '@gradsheet/shared';
import { escapeXml, NS_REL, XML_DECLARATION } from '../package/xml.js';

const NS_SPREADSHEET_DRAWING = 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing';
const NS_MAIN = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_CHART = 'http://schemas.openxmlformats.org/drawingml/2006/chart';

/** One chart frame in a drawing: where it floats and which relationship names its chart part. */
export interface ChartFrame {
  readonly anchor: LineChartPlan['anchor'];
  /** Relationship id, in the drawing's own rels part, of the chart. */
  readonly chartRelId: string;
  /** Alternative text shown to screen readers. */
  readonly description: string;
}

/** A drawing part with one two-cell anchor per frame, in order. */
export function drawingXml(frames: readonly ChartFrame[]): string {
  return (
    XML_DECLARATION +
    `<xdr:wsDr xmlns:xdr="${NS_SPREADSHEET_DRAWING}" xmlns:a="${NS_MAIN}">` +
    frames.map((frame, index) => anchorXml(frame, index)).join('') +
    '</xdr:wsDr>'
  );
}

function anchorXml(frame: ChartFrame, index: number): string {
  const { from, to } = frame.anchor;
  if (to.row <= from.row || to.col <= from.col) {
    throw new GradSheetError('INVALID_PLAN', `chart anchor must end below and right of its start, got ${JSON.stringify(frame.anchor)}`);
  }
  // Shape ids must be unique within the drawing; Excel numbers from 2 (1 is the drawing itself).
  const shapeId = index + 2;
  return (
    '<xdr:twoCellAnchor>' +
    markerXml('from', from) +
    markerXml('to', to) +
    '<xdr:graphicFrame macro="">' +
    '<xdr:nvGraphicFramePr>' +
    `<xdr:cNvPr id="${shapeId}" name="Chart ${index + 1}" descr="${escapeXml(frame.description)}"/>` +
    '<xdr:cNvGraphicFramePr/>' +
    '</xdr:nvGraphicFramePr>' +
    // The anchor decides the size; the transform is required but ignored.
    '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>' +
    `<a:graphic><a:graphicData uri="${NS_CHART}">` +
    `<c:chart xmlns:c="${NS_CHART}" xmlns:r="${NS_REL}" r:id="${escapeXml(frame.chartRelId)}"/>` +
    '</a:graphicData></a:graphic>' +
    '</xdr:graphicFrame>' +
    '<xdr:clientData/>' +
    '</xdr:twoCellAnchor>'
  );
}

function markerXml(tag: 'from' | 'to', at: CellPosition): string {
  return `<xdr:${tag}><xdr:col>${at.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${at.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`;
}
