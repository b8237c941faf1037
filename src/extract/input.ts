import type { ArticleInput } from "./types.js";

/** True when a document looks like an HTML page rather than plain text. */
export function looksLikeHtml(name: string, content: string): boolean {
  if (/\.x?html?$/i.test(name)) return true;
  return /^\s*(<!doctype html|<html[\s>])/i.test(content.slice(0, 1000));
}

/** Wraps a file's content as extraction input, choosing text or HTML by name and content. */
export function articleInputFromFile(name: string, content: string): ArticleInput {
  return looksLikeHtml(name, content) ? { html: content } : { text: content };
}
