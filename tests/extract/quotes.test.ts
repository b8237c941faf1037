import { describe, expect, it } from "vitest";
import type { EntityMention } from "../../src/extract/entities.js";
import { extractQuotes } from "../../src/extract/quotes.js";

/** Person mentions for every occurrence of the given surface forms, all pointing to one canonical name. */
function mentionsOf(body: string, people: Record<string, string[]>, kind: EntityMention["kind"] = "person"): EntityMention[] {
  const mentions: EntityMention[] = [];
  for (const [name, forms] of Object.entries(people))
    for (const form of forms)
      for (let at = body.indexOf(form); at >= 0; at = body.indexOf(form, at + 1))
        mentions.push({ name, kind, via: "name", start: at, end: at + form.length });
  return mentions.sort((a, b) => a.start - b.start);
}

const quotes = (body: string, mentions: EntityMention[] = []) =>
  extractQuotes(body, [], mentions).map((q) => ({ speaker: q.speaker, text: q.text }));

describe("extractQuotes", () => {
  it("attributes a Reuters-style quote to the name after it, without the handover comma", () => {
    const body = "Talks stalled on Monday. “We will not give up a single metre of our land,” Anna Berg said.";
    const mentions = mentionsOf(body, { "Anna Berg": ["Anna Berg"] });
    expect(quotes(body, mentions)).toEqual([{ speaker: "Anna Berg", text: "We will not give up a single metre of our land" }]);
  });

  it("keeps offsets into the body", () => {
    const body = 'The mayor spoke. "The bridge will reopen next spring," said Tom Hale.';
    const [quote] = extractQuotes(body, [], []);
    expect(body.slice(quote.start, quote.end)).toBe(quote.text);
    expect(quote.speaker).toBe("Tom Hale");
  });

  it("reads AP-style 'said X, who ...' and an apposition after a described source", () => {
    const body =
      '"The evidence was never heard in full," said one of their lawyers, Maria Costa, who spoke to reporters.';
    expect(quotes(body)[0].speaker).toBe("Maria Costa");
  });

  it("resolves a last-name mention to its canonical name", () => {
    const body = "Foreign minister Ola Nordmann arrived late.\n\n“There is no agreement on the table yet,” Nordmann said.";
    const mentions = mentionsOf(body, { "Ola Nordmann": ["Ola Nordmann", "Nordmann"] });
    expect(quotes(body, mentions)[0].speaker).toBe("Ola Nordmann");
  });

  it("falls back to the full name written earlier when no mention covers the speaker", () => {
    const body = "Coach Peter Lind named his squad. \"We have worked very hard for this,\" Lind told the BBC.";
    expect(quotes(body)[0].speaker).toBe("Peter Lind");
  });

  it("attributes a quote introduced by 'X said:' and BBC single quotes", () => {
    const body = "Chancellor Ruth Dane said: 'The economy is growing faster than expected.'";
    expect(quotes(body)).toEqual([{ speaker: "Ruth Dane", text: "The economy is growing faster than expected." }]);
  });

  it("finds 'X said: “...”' even when a speech verb later in the sentence was tried and refused first", () => {
    const body =
      "Anna Berg said: “The bridge is closed for now,” while many people in the old town were waiting for the ferry that the harbour master said would come.";
    const mentions = mentionsOf(body, { "Anna Berg": ["Anna Berg"] });
    expect(quotes(body, mentions)).toEqual([{ speaker: "Anna Berg", text: "The bridge is closed for now" }]);
  });

  it("does not take apostrophes for single quote marks", () => {
    const body = "The players' union said it wasn't consulted about Britain's plans for next year.";
    expect(quotes(body)).toEqual([]);
  });

  it("splits a quote around its attribution and gives both parts the speaker", () => {
    const body = "“We are ready to talk,” he said. “But not at any price and not under fire.”";
    const named = "Prime Minister Jan Kowal visited the front. " + body;
    const mentions = mentionsOf(named, { "Jan Kowal": ["Jan Kowal"] });
    expect(quotes(named, mentions)).toEqual([
      { speaker: "Jan Kowal", text: "We are ready to talk" },
      { speaker: "Jan Kowal", text: "But not at any price and not under fire." },
    ]);
  });

  it("resolves she to the subject of the closest sentence naming a compatible person", () => {
    const body =
      "Mr Rossi opened the debate. Mrs Lea Moro replied after him. \"That is simply not true and he knows it,\" she said.";
    const mentions = mentionsOf(body, { "Marco Rossi": ["Rossi"], "Lea Moro": ["Lea Moro"] });
    expect(quotes(body, mentions)[0].speaker).toBe("Lea Moro");
  });

  it("joins a quotation that runs over paragraphs opening with a quote mark", () => {
    const body = 'Dr Amir Khan said: "The first results are encouraging.\n\n"We now need a larger trial to be sure."\n\nThe study ends in May.';
    const found = quotes(body);
    expect(found).toHaveLength(1);
    expect(found[0].speaker).toBe("Amir Khan");
    expect(found[0].text).toContain("The first results are encouraging.");
    expect(found[0].text).toContain("We now need a larger trial to be sure.");
  });

  it("attributes organisation statements", () => {
    const body =
      "The Ministry of Health issued figures on Friday. \"All hospitals in the region remain open,\" the ministry said in a statement.";
    const mentions = mentionsOf(body, { "Ministry of Health": ["Ministry of Health"] }, "organization");
    expect(quotes(body, mentions)[0].speaker).toBe("Ministry of Health");
  });

  it("takes 'according to X' as attribution", () => {
    const body = "“The plant will close by the end of the year,” according to Sara Holm, the union's leader.";
    expect(quotes(body)[0].speaker).toBe("Sara Holm");
  });

  it("attributes a partial quote inside reported speech to the subject", () => {
    const body = "Vera Sims called the deal “an important step for the whole region”.";
    expect(quotes(body)).toEqual([{ speaker: "Vera Sims", text: "an important step for the whole region" }]);
  });

  it("skips scare quotes, short quotes and quoted titles", () => {
    const body =
      "Officials described the raid as a 'military operation'. The band released \"Songs From The Big Chair\" in May. " +
      "Critics called it a \"special military operation\" on Monday.";
    expect(quotes(body)).toEqual([]);
  });

  it("leaves the speaker null when the article does not say", () => {
    const body = "Posters across the city read: \"Stay at home and save lives.\"";
    expect(quotes(body)).toEqual([{ speaker: null, text: "Stay at home and save lives." }]);
  });
});
