/** Title, date line and main story of a plain-text article. */
export interface CleanedText {
  title: string | null;
  publishedAt: string | null;
  body: string;
}

/** Splits scraped plain text into title and body; the first line is the headline. */
export function cleanText(raw: string): CleanedText {
  const text = raw.replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  const firstIndex = lines.findIndex((l) => l.trim() !== "");
  if (firstIndex < 0) return { title: null, publishedAt: null, body: "" };
  const title = lines[firstIndex].trim();
  const body = lines.slice(firstIndex + 1).join("\n").trim();
  return { title, publishedAt: null, body };
}
