/**
 * The spreadsheet drawing part (`xl/drawings/drawingN.xml`) that places charts
 * on a sheet, and the OPC relationship parts that tie the package together.
 */
import type { CellPosition, LineChartPlan } from '@gradsheet/shared';
import { escapeXml } from './chart-xml.js';

const NS_SPREADSHEET_DRAWING = 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing';
const NS_MAIN = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NS_CHART = 'http://schemas.openxmlformats.org/drawingml/2006/chart';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PACKAGE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export const REL_TYPE_DRAWING = `${NS_REL}/drawing`;
export const REL_TYPE_CHART = `${NS_REL}/chart`;

/** One chart frame in a drawing: where it floats and which relationship names its chart part. */
export interface ChartFrame {
  readonly anchor: LineChartPlan['anchor'];
  /** Relationship id, in the drawing's own rels part, of the chart. */
  readonly chartRelId: string;
  /** Alternative text shown to screen readers. */
  readonly description: string;
}

export interface Relationship {
  readonly id: string;
  readonly type: string;
  readonly target: string;
}

/** A drawing part with one two-cell anchor per frame, in order. */
export function drawingXml(frames: readonly ChartFrame[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<xdr:wsDr xmlns:xdr="${NS_SPREADSHEET_DRAWING}" xmlns:a="${NS_MAIN}">` +
    frames.map((frame, index) => anchorXml(frame, index)).join('') +
    '</xdr:wsDr>'
  );
}

function anchorXml(frame: ChartFrame, index: number): string {
  const { from, to } = frame.anchor;
  if (to.row <= from.row || to.col <= from.col) {
    throw new RangeError(`chart anchor must end below and right of its start, got ${JSON.stringify(frame.anchor)}`);
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

/** One `<Relationship/>` element. */
export function relationshipXml(rel: Relationship): string {
  return `<Relationship Id="${escapeXml(rel.id)}" Type="${escapeXml(rel.type)}" Target="${escapeXml(rel.target)}"/>`;
}

/** A complete relationships part. */
export function relationshipsXml(rels: readonly Relationship[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<Relationships xmlns="${NS_PACKAGE_REL}">` +
    rels.map(relationshipXml).join('') +
    '</Relationships>'
  );
}
