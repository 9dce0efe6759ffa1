/**
 * The session report as an A4 PDF (pdfkit, under plain Node: the CLI and the app's core write the same file).
 * Text is real text in an embedded font subset (Noto Sans CJK SC, OFL, cut down by
 * scripts/fonts/subset-report-font.py), so it can be selected, searched and read by pdftotext in English and
 * Chinese alike; charts are vector shapes from the same drawings the Report view paints.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import type { Locale } from '../../../src-shared/i18n/i18n.js';
import { sharesDrawing, timelineDrawing } from '../../../src-shared/report/charts.js';
import type { Drawing } from '../../../src-shared/report/drawing.js';
import type { ReportData } from '../../../src-shared/report/report-data.js';
import { reportText, type Fact, type Table } from '../../../src-shared/report/report-text.js';

const A4 = { w: 595.28, h: 841.89 };
const M = { left: 42, right: 42, top: 40, bottom: 46 };
const CONTENT_W = A4.w - M.left - M.right;
const INK = '#1f2328';
const MUTED = '#57606a';
const RULE = '#d0d7de';
const WARN_BG = '#fff8c5';
const WARN_BORDER = '#d4a72c';

export const REPORT_FONT_FILES = { regular: 'NotoSansSC-Regular-subset.otf', bold: 'NotoSansSC-Bold-subset.otf' } as const;

/**
 * Where the report fonts are: AFFECT_ASSETS_DIR/fonts, else assets/fonts found by walking up from this file (the
 * repository in development, the application folder when packaged).
 */
export function reportFontsDir(): string {
  if (process.env.AFFECT_ASSETS_DIR) return path.join(process.env.AFFECT_ASSETS_DIR, 'fonts');
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'assets', 'fonts', REPORT_FONT_FILES.regular);
    if (existsSync(candidate)) return path.dirname(candidate);
    dir = path.dirname(dir);
  }
  return path.resolve('assets', 'fonts');
}

interface Fonts {
  regular: fontkit.Font;
  bold: fontkit.Font;
  /** Code points the font has glyphs for. */
  has(cp: number): boolean;
}

// Parsed once per process and shared by every report: parsing the fonts costs more than writing a report.
let fonts: Fonts | null = null;
function loadFonts(): Fonts {
  if (fonts) return fonts;
  const dir = reportFontsDir();
  const open = (file: string) => fontkit.create(readFileSync(path.join(dir, file))) as fontkit.Font;
  const regular = open(REPORT_FONT_FILES.regular);
  const bold = open(REPORT_FONT_FILES.bold);
  const cps = new Set(regular.characterSet);
  fonts = { regular, bold, has: (cp) => cps.has(cp) };
  return fonts;
}

/** pdfkit takes a parsed fontkit font where its types only name a file or buffer. */
const asFontSource = (f: fontkit.Font): string => f as unknown as string;

/** Characters of `texts` the report font cannot draw (they would print as empty boxes). */
export function charactersMissingFromFont(texts: Iterable<string>): string[] {
  const f = loadFonts();
  const missing = new Set<string>();
  for (const s of texts) for (const ch of s) if (!/\s/u.test(ch) && !f.has(ch.codePointAt(0)!)) missing.add(ch);
  return [...missing];
}

export interface ReportPdf {
  bytes: Buffer;
  pages: number;
  /** Characters of the report's text that the embedded font lacks (free text typed by users); empty when all print. */
  missingCharacters: string[];
}

type Doc = PDFKit.PDFDocument;

function paint(doc: Doc, d: Drawing, ox: number, oy: number): void {
  for (const s of d.shapes) {
    doc.save();
    switch (s.kind) {
      case 'rect':
        doc.rect(ox + s.x, oy + s.y, s.w, s.h);
        if (s.opacity !== undefined) doc.fillOpacity(s.opacity);
        if (s.stroke) doc.lineWidth(0.5).fillAndStroke(s.fill, s.stroke);
        else doc.fill(s.fill);
        break;
      case 'polygon': {
        const pts: Array<[number, number]> = [];
        for (let i = 0; i < s.points.length; i += 2) pts.push([ox + s.points[i], oy + s.points[i + 1]]);
        if (s.opacity !== undefined) doc.fillOpacity(s.opacity);
        doc.polygon(...pts).fill(s.fill);
        break;
      }
      case 'polyline': {
        doc.moveTo(ox + s.points[0], oy + s.points[1]);
        for (let i = 2; i < s.points.length; i += 2) doc.lineTo(ox + s.points[i], oy + s.points[i + 1]);
        if (s.dash) doc.dash(s.dash[0], { space: s.dash[1] });
        doc.lineWidth(s.width).lineJoin('round').stroke(s.stroke);
        break;
      }
      case 'line':
        if (s.dash) doc.dash(s.dash[0], { space: s.dash[1] });
        doc.moveTo(ox + s.x1, oy + s.y1).lineTo(ox + s.x2, oy + s.y2).lineWidth(s.width).stroke(s.stroke);
        break;
      case 'text': {
        doc.font(s.bold ? 'bold' : 'regular').fontSize(s.size).fillColor(s.color);
        const w = doc.widthOfString(s.text);
        const x = s.anchor === 'start' ? s.x : s.anchor === 'middle' ? s.x - w / 2 : s.x - w;
        doc.text(s.text, ox + x, oy + s.y, { lineBreak: false, baseline: 'middle' });
        break;
      }
    }
    doc.restore();
  }
}

/** Writes the report and returns the file's bytes. */
export async function reportPdf(r: ReportData, locale: Locale): Promise<ReportPdf> {
  const f = loadFonts();
  const txt = reportText(r, locale);
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margins: M,
    // Our own font from the start: pdfkit would otherwise load Helvetica, which it cannot embed.
    font: asFontSource(f.regular),
    bufferPages: true,
    autoFirstPage: true,
    lang: locale,
    displayTitle: true,
    pdfVersion: '1.7',
    info: { Title: `${txt.title} — ${r.session.participantCode}`, Subject: txt.subtitle, Creator: `Affect Studio ${r.softwareVersion}`, Producer: 'Affect Studio' },
  });
  doc.registerFont('regular', asFontSource(f.regular));
  doc.registerFont('bold', asFontSource(f.bold));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const written: string[] = [];
  const bottom = A4.h - M.bottom;
  let y = M.top;

  const ensure = (h: number): void => {
    if (y + h > bottom) {
      doc.addPage();
      y = M.top;
    }
  };
  const para = (text: string, o: { size?: number; bold?: boolean; color?: string; gap?: number; width?: number; x?: number } = {}): void => {
    written.push(text);
    doc.font(o.bold ? 'bold' : 'regular').fontSize(o.size ?? 8.5).fillColor(o.color ?? INK);
    const width = o.width ?? CONTENT_W;
    const h = doc.heightOfString(text, { width });
    ensure(h);
    doc.text(text, o.x ?? M.left, y, { width });
    y += h + (o.gap ?? 4);
  };
  /** A section heading, kept on one page with the first `keep` points of what follows it. */
  const heading = (text: string, keep = 40): void => {
    ensure(30 + keep);
    y += 6;
    para(text, { size: 11.5, bold: true, gap: 2 });
    doc.moveTo(M.left, y).lineTo(M.left + CONTENT_W, y).lineWidth(0.5).stroke(RULE);
    y += 5;
  };
  const facts = (rows: Fact[], x: number, width: number, labelW: number): number => {
    let yy = y;
    for (const row of rows) {
      written.push(row.label, row.value);
      doc.font('regular').fontSize(8).fillColor(MUTED);
      const lh = doc.heightOfString(row.label, { width: labelW - 4 });
      doc.text(row.label, x, yy, { width: labelW - 4 });
      doc.font('regular').fontSize(8.5).fillColor(INK);
      const vh = doc.heightOfString(row.value, { width: width - labelW });
      doc.text(row.value, x + labelW, yy, { width: width - labelW });
      yy += Math.max(lh, vh) + 2.5;
    }
    return yy;
  };
  const table = (tb: Table, widths: number[], size = 8): void => {
    const rowH = size * 1.75;
    const drawRow = (cells: string[], header: boolean): void => {
      ensure(rowH);
      let x = M.left;
      doc.font(header ? 'bold' : 'regular').fontSize(size).fillColor(header ? MUTED : INK);
      cells.forEach((cell, i) => {
        written.push(cell);
        const w = widths[i];
        doc.text(cell, x + 2, y + rowH / 2, { width: w - 4, align: tb.numeric[i] ? 'right' : 'left', lineBreak: false, ellipsis: true, baseline: 'middle' });
        x += w;
      });
      y += rowH;
      doc.moveTo(M.left, y).lineTo(M.left + widths.reduce((a, b) => a + b, 0), y).lineWidth(header ? 0.6 : 0.3).stroke(RULE);
    };
    drawRow(tb.header, true);
    for (const row of tb.rows) drawRow(row, false);
    y += 6;
  };
  const drawing = (d: Drawing): void => {
    ensure(d.height);
    for (const s of d.shapes) if (s.kind === 'text') written.push(s.text);
    paint(doc, d, M.left, y);
    y += d.height + 4;
  };

  // Header.
  para(txt.title, { size: 17, bold: true, gap: 1 });
  para(txt.subtitle, { size: 10, color: MUTED, gap: 8 });
  const half = CONTENT_W / 2;
  const leftEnd = facts(txt.facts.slice(0, 5), M.left, half - 8, 70);
  const rightEnd = facts(txt.facts.slice(5), M.left + half, half, 86);
  y = Math.max(leftEnd, rightEnd) + 2;
  y = facts([{ label: txt.modelsLabel, value: txt.models.join('\n') || '—' }], M.left, CONTENT_W, 70) + 2;

  // Data quality.
  heading(txt.headings.quality);
  const qEnd = facts(txt.quality, M.left, half - 8, 130);
  let wy = y;
  if (txt.warnings.length) {
    doc.font('regular').fontSize(8.2);
    const body = txt.warnings.map((w) => `• ${w}`).join('\n');
    written.push(body);
    const bh = doc.heightOfString(body, { width: half - 16 }) + 22;
    doc.save().roundedRect(M.left + half, wy, half, bh, 3).lineWidth(0.8).fillAndStroke(WARN_BG, WARN_BORDER).restore();
    doc.font('bold').fontSize(8.5).fillColor(INK).text(txt.warningTitle, M.left + half + 8, wy + 5, { width: half - 16 });
    doc.font('regular').fontSize(8.2).fillColor(INK).text(body, M.left + half + 8, wy + 17, { width: half - 16 });
    wy += bh;
  }
  y = Math.max(qEnd, wy) + 2;
  para(txt.qualityNote, { size: 7.5, color: MUTED });

  // Timeline.
  const timeline = timelineDrawing(r, locale, { width: CONTENT_W, fontSize: 7 });
  heading(txt.headings.timeline, timeline.height + 30);
  para(txt.timelineNote, { size: 7.5, color: MUTED, gap: 6 });
  drawing(timeline);

  // Shares and per-emotion figures.
  const shares = sharesDrawing(r, locale, { width: CONTENT_W * 0.6, fontSize: 8 });
  heading(txt.headings.shares, shares.height + 20);
  para(txt.sharesNote, { size: 7.5, color: MUTED, gap: 6 });
  drawing(shares);
  table(txt.emotionTable, [80, 66, 76, 60, 60, 84, 85]);

  // Episodes.
  heading(txt.headings.episodes);
  para(txt.rule, { size: 8.5 });
  para(txt.ruleEmotions, { size: 8.5, gap: 6 });
  if (txt.screening) para(txt.screening, { size: 9, bold: true, gap: 6 });
  if (txt.episodeTable) table(txt.episodeTable, [140, 100, 100, 100]);
  if (txt.episodesMore) para(txt.episodesMore, { size: 8, color: MUTED });
  if (txt.noEpisodes) para(txt.noEpisodes, { size: 8.5 });

  // Labels.
  if (txt.labelTable && txt.labelsNote) {
    heading(txt.headings.labels);
    para(txt.labelsNote, { size: 7.5, color: MUTED, gap: 6 });
    table(txt.labelTable, [110, 60, 90, 120, 65, 66]);
  }

  // The fixed statement.
  heading(txt.headings.statement);
  para(txt.statement, { size: 9.5, bold: true });

  // Footers, once the page count is known.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const page = txt.pageLabel(i + 1, range.count);
    written.push(txt.footer, page);
    // Writing into the bottom margin must not start a new page.
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(7).fillColor(MUTED);
    doc.moveTo(M.left, A4.h - M.bottom + 12).lineTo(M.left + CONTENT_W, A4.h - M.bottom + 12).lineWidth(0.4).stroke(RULE);
    doc.text(txt.footer, M.left, A4.h - M.bottom + 18, { width: CONTENT_W - 80, lineBreak: false, ellipsis: true });
    doc.text(page, M.left + CONTENT_W - 80, A4.h - M.bottom + 18, { width: 80, align: 'right', lineBreak: false });
    doc.page.margins.bottom = M.bottom;
  }
  doc.end();
  await ended;
  return { bytes: Buffer.concat(chunks), pages: range.count, missingCharacters: charactersMissingFromFont(written) };
}
