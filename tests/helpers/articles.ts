/**
 * Invented articles whose events today's extraction finds (a protest, an agreement, a disaster),
 * for tests of the CLI, queue, typed client and web page, which exercise the whole pipeline.
 */
export const OSLO_PROTEST = `Dockworkers protest in Oslo over pay

Published: 2024-03-05

Thousands of dockworkers protested in Oslo on Tuesday, demanding higher wages, the Norwegian Transport Workers Union said.

The union said the strike would last two weeks.
`;

export const STOCKHOLM_AGREEMENT = `Norway and Sweden sign fishing agreement in Stockholm

Published: 2024-04-10

Norway and Sweden signed an agreement on fishing quotas in Stockholm on Wednesday, the two governments said.

Swedish Prime Minister Ulf Kristersson said the deal would protect cod stocks in the North Sea.
`;

export const LIMA_EARTHQUAKE = `Earthquake strikes near Lima

Published: 2024-05-02

A strong earthquake struck near Lima on Thursday, killing at least 12 people, officials in Peru said.

Rescue teams searched collapsed buildings through the night.
`;

/** Not UTF-8: refused with BINARY_CONTENT. */
export const BINARY = Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x42, 0x49, 0x4e]);

/** Many distinct small articles (for the queue): each names its own city and day. */
export function numberedArticles(count: number): string[] {
  const cities = ["Oslo", "Bergen", "Lima", "Quito", "Nairobi", "Accra", "Hanoi", "Manila", "Lisbon", "Porto"];
  return Array.from({ length: count }, (_, i) => {
    const city = cities[i % cities.length];
    const day = String((i % 27) + 1).padStart(2, "0");
    return `Workers protest in ${city}, report ${i + 1}\n\nPublished: 2024-06-${day}\n\nHundreds of workers protested in ${city} on Monday over pay, organisers of report number ${i + 1} said.\n`;
  });
}
