/**
 * What a screen shows, as plain data, and how it fits the terminal. Screens build a ScreenModel
 * (pure); the Frame renders it. Because the fitting is pure too, the reducer can use it to
 * clamp scrolling, and tests can check that nothing is cut and no frame is taller than allowed.
 */
import { fitLine, wrapGroups, wrapText } from './wrap.js';
import type { Tone } from './theme.js';

export interface Line {
  text: string;
  tone?: Tone;
  bold?: boolean;
  /** The list item this line belongs to (for the "12-20 of 48" indicator and the cursor). */
  item?: number;
  /** The selected item: shown with "> " and inverse. */
  selected?: boolean;
  /** Keep on one line (cut at a word with "...") instead of wrapping. */
  noWrap?: boolean;
}

export interface ScreenModel {
  title: string;
  /** Fixed lines above the scrolled part. */
  top?: Line[];
  /** The scrolled part. */
  lines: Line[];
  /** Fixed lines below the scrolled part (details of the selection), cut to fit. */
  bottom?: Line[];
  /** Keys this screen accepts, e.g. "Enter open  Esc back". */
  hints: string;
  /** Show a spinner before the first top line (long work). */
  busy?: boolean;
  /** Scroll offset (rows) for screens without a selection. */
  scroll?: number;
  /** Total number of list items, for the indicator. */
  itemCount?: number;
}

export interface Size {
  cols: number;
  rows: number;
}

export interface Layout {
  /** Frame width (columns). */
  width: number;
  /** Text width inside the border and padding. */
  inner: number;
  /** Frame height: one row shorter than the terminal (a full-height frame flickers). */
  height: number;
}

export const MIN_SIZE: Size = { cols: 80, rows: 25 };

export function layoutFor(size: Size): Layout {
  const cols = Math.max(40, size.cols || MIN_SIZE.cols);
  const rows = Math.max(12, size.rows || MIN_SIZE.rows);
  const width = Math.min(cols, 160);
  return { width, inner: width - 4, height: rows - 1 };
}

/** A Line wrapped into display rows (each fits the inner width). */
export function wrapLine(line: Line, inner: number): Line[] {
  const prefix = line.item !== undefined ? (line.selected ? '> ' : '  ') : '';
  const width = inner - prefix.length;
  if (line.noWrap) return [{ ...line, text: prefix + fitLine(line.text, width) }];
  return wrapText(line.text, width).map((t, i) => ({ ...line, text: (i === 0 ? prefix : prefix.replace('>', ' ')) + t }));
}

export function wrapLines(lines: Line[], inner: number): Line[] {
  return lines.flatMap((l) => wrapLine(l, inner));
}

export interface Fitted {
  top: Line[];
  body: Line[];
  bottom: Line[];
  hints: string[];
  /** "12-20 of 48" when the scrolled part does not fit, else null. */
  indicator: string | null;
  /** Largest useful scroll offset (rows). */
  maxScroll: number;
}

/** Fits a model into the frame: fixed parts first, the scrolled part windowed around the selection. */
export function fitModel(model: ScreenModel, layout: Layout): Fitted {
  const { inner, height } = layout;
  const hints = wrapGroups(model.hints, inner);
  // Border (2) + title (1) + rule under the body (1) + hints.
  const bodyRows = Math.max(3, height - 4 - hints.length);
  const top = wrapLines(model.top ?? [], inner).slice(0, Math.max(0, bodyRows - 3));
  const all = wrapLines(model.lines, inner);
  let bottom = wrapLines(model.bottom ?? [], inner);
  // The list keeps what it needs (up to half the room, at least 3 rows); details get the rest.
  const free = bodyRows - top.length;
  const listNeeds = Math.min(all.length, Math.max(3, Math.floor(free / 2)));
  const maxBottom = Math.max(0, free - listNeeds - (all.length > listNeeds ? 1 : 0));
  if (bottom.length > maxBottom) {
    const keep = Math.max(0, maxBottom - 1);
    const more: Line = { text: `(${bottom.length - keep} more lines)`, tone: 'dim' };
    bottom = [...bottom.slice(0, keep), more].slice(0, maxBottom);
  }
  let room = bodyRows - top.length - bottom.length;
  let indicator: string | null = null;
  let start = 0;
  let maxScroll = 0;
  if (all.length > room) {
    room -= 1; // the indicator row
    maxScroll = Math.max(0, all.length - room);
    const sel = all.findIndex((l) => l.selected);
    if (sel >= 0) {
      let selLast = sel;
      while (selLast + 1 < all.length && all[selLast + 1]?.selected) selLast++;
      start = Math.min(Math.max(0, sel - Math.floor(room / 3)), maxScroll);
      if (selLast >= start + room) start = Math.min(maxScroll, selLast - room + 1);
    } else {
      start = Math.max(0, Math.min(model.scroll ?? 0, maxScroll));
    }
    const visible = all.slice(start, start + room);
    const items = visible.map((l) => l.item).filter((n): n is number => n !== undefined);
    if (model.itemCount !== undefined && items.length > 0) {
      indicator = `${Math.min(...items) + 1}-${Math.max(...items) + 1} of ${model.itemCount}`;
    } else {
      indicator = `lines ${start + 1}-${Math.min(all.length, start + room)} of ${all.length}`;
    }
    indicator += start + room < all.length ? '  (more below)' : '';
    return { top, body: visible, bottom, hints, indicator, maxScroll };
  }
  return { top, body: all, bottom, hints, indicator, maxScroll };
}

/** How many rows the frame takes (for tests: always <= layout.height). */
export function frameRows(f: Fitted): number {
  return 2 + 1 + f.top.length + f.body.length + (f.indicator ? 1 : 0) + f.bottom.length + 1 + f.hints.length;
}
