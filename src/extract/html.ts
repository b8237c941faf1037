/** Main text and metadata of an HTML page. */
export interface HtmlArticle {
  title: string | null;
  publishedAt: string | null;
  text: string;
}

/** Reduces an HTML page to its text (stub: strips tags). */
export function htmlToArticle(html: string): HtmlArticle {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() || null;
  const text = html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<\/(p|div|h\d|li|br)>/gi, "\n\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n\s*/g, "\n\n")
    .trim();
  return { title, publishedAt: null, text };
}
