/**
 * A chart as a list of vector shapes in a width × height box (points in the PDF, CSS pixels on screen). The
 * report's charts are built once as drawings (./charts.ts) and painted by two small painters: SVG in the
 * Report view, pdfkit in the PDF; so what the app shows is what the PDF prints.
 */
export type TextAnchor = 'start' | 'middle' | 'end';

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; opacity?: number; stroke?: string }
  /** Flat x,y pairs. */
  | { kind: 'polygon'; points: number[]; fill: string; opacity?: number }
  | { kind: 'polyline'; points: number[]; stroke: string; width: number; dash?: number[] }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number; dash?: number[] }
  /** `y` is the vertical middle of the text. */
  | { kind: 'text'; x: number; y: number; text: string; size: number; color: string; anchor: TextAnchor; bold?: boolean };

export interface Drawing {
  width: number;
  height: number;
  /** What the chart shows, in words (the image's accessible name). */
  title: string;
  shapes: Shape[];
}
