import type { FigureRecord, Span } from "./types.js";

/** Finds reported quantities (stub: none). */
export function extractFigures(_body: string, _sentences: Span[]): FigureRecord[] {
  return [];
}
