import { t } from '../i18n/i18n.js';
import { formatPercent } from '../ui/format.js';
import type { OverlayFrame } from '../../../src-shared/contract/review.js';
import { EMOTION_COLORS } from '../timeline/colors.js';

export interface ContentRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where a video of natural size vw×vh is drawn inside an element of ew×eh with object-fit: contain. */
export function containRect(vw: number, vh: number, ew: number, eh: number): ContentRect {
  if (!vw || !vh) return { x: 0, y: 0, w: ew, h: eh };
  const s = Math.min(ew / vw, eh / vh);
  return { x: (ew - vw * s) / 2, y: (eh - vh * s) / 2, w: vw * s, h: vh * s };
}

/**
 * Draws the faces of one analysed frame: a box per face in its dominant emotion's colour (the participant
 * solid, others dashed), and a tag "#track emotion p%". Unreliable estimates are drawn grey and say so,
 * never in an emotion colour.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, frame: OverlayFrame | undefined, rect: ContentRect, scale: number): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.scale(scale, scale);
  if (frame) {
    for (const f of frame.faces) {
      const x = rect.x + f.box.x * rect.w;
      const y = rect.y + f.box.y * rect.h;
      const w = f.box.w * rect.w;
      const h = f.box.h * rect.h;
      const color = f.reliable ? EMOTION_COLORS[f.dominant] : '#9e9e9e';
      ctx.lineWidth = f.participant ? 3 : 2;
      ctx.setLineDash(f.participant ? [] : [6, 4]);
      ctx.strokeStyle = color;
      ctx.strokeRect(x, y, w, h);
      const text = f.reliable ? `#${f.trackId} ${t(`emotion.${f.dominant}`)} ${formatPercent(f.probability)}` : `#${f.trackId} ${t('face.unreliable')}`;
      // not-ui: a CSS font
    ctx.font = '600 13px system-ui, sans-serif';
      const tw = ctx.measureText(text).width + 8;
      const ty = y - 20 >= rect.y ? y - 20 : y + h;
      ctx.setLineDash([]);
      ctx.fillStyle = color;
      ctx.fillRect(x - (f.participant ? 1.5 : 1), ty, tw, 20);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(text, x + 4, ty + 14);
    }
  }
  ctx.restore();
}
