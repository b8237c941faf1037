import { createClient } from "graphql-ws";
import { EventMap } from "./map";
import "./style.css";

declare global {
  interface Window {
    NEWSGRAPH_URL?: string;
  }
}

interface EventNode {
  id: string;
  title: string | null;
  type: string | null;
  date: string | null;
  status: string | null;
  firstReportedAt: string | null;
  mentionCount: number;
  sourceCount: number | null;
  place: { name: string | null; country: string | null; latitude: number | null; longitude: number | null } | null;
  mentions: { edges: { node: { article: { title: string | null; source: string | null; url: string | null; publishedAt: string | null } | null } }[] } | null;
}

const EVENT_FIELDS = `
  id title type date status firstReportedAt mentionCount sourceCount
  place { name country latitude longitude }
  mentions(first: 5) { edges { node { article { title source url publishedAt } } } }`;

const INITIAL = `query Timeline { eventFeedCursor events(first: 50) { totalCount edges { node { ${EVENT_FIELDS} } } } }`;
const ADDED = `subscription Added($after: String) { eventAdded(after: $after) { cursor node { ${EVENT_FIELDS} } } }`;
const UPDATED = `subscription Updated($after: String) { eventUpdated(after: $after) { cursor node { ${EVENT_FIELDS} } } }`;

const api = new URL(new URLSearchParams(location.search).get("api") ?? window.NEWSGRAPH_URL ?? "/graphql", location.href);
const status = document.querySelector<HTMLDivElement>("#status")!;
const timeline = document.querySelector<HTMLOListElement>("#timeline")!;
const map = new EventMap(document.querySelector<SVGSVGElement>("#map")!);
const events = new Map<string, { node: EventNode; element: HTMLLIElement }>();
let total = 0;

function setStatus(state: "connecting" | "live" | "error", text: string) {
  status.dataset.state = state;
  status.textContent = text;
}

function text(tag: string, className: string, content: string): HTMLElement {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = content;
  return element;
}

/** The day an event sorts by: when it happened, else when it was first reported. */
const day = (node: EventNode) => node.date ?? node.firstReportedAt ?? "";

function render(node: EventNode, fresh: boolean): HTMLLIElement {
  const item = document.createElement("li");
  item.className = `event${fresh ? " fresh" : ""}`;
  item.dataset.id = node.id;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.append(
    text("span", "type", node.type ?? "EVENT"),
    text("span", "date", node.date ?? `reported ${node.firstReportedAt ?? "?"}`),
    text("span", "place", node.place?.name ? `${node.place.name}${node.place.country ? ` (${node.place.country})` : ""}` : "place unknown"),
    text("span", "mentions", `${node.mentionCount} mention${node.mentionCount === 1 ? "" : "s"}, ${node.sourceCount ?? 0} outlet${node.sourceCount === 1 ? "" : "s"}`),
  );
  const sources = document.createElement("ul");
  sources.className = "sources";
  for (const { node: mention } of node.mentions?.edges ?? []) {
    const article = mention.article;
    if (!article) continue;
    const li = document.createElement("li");
    const outlet = article.source ?? "unknown outlet";
    if (article.url) {
      const link = document.createElement("a");
      link.href = article.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = article.title ?? article.url;
      li.append(`${outlet}: `, link);
    } else {
      li.append(`${outlet}: ${article.title ?? "untitled"}`);
    }
    if (article.publishedAt) li.append(` (${article.publishedAt})`);
    sources.append(li);
  }
  item.append(meta, text("div", "title", node.title ?? "Untitled event"), sources);
  return item;
}

/** Adds or refreshes an event, keeping the timeline newest first by event date. */
function upsert(node: EventNode, fresh: boolean) {
  const known = events.get(node.id);
  const element = render(node, fresh);
  if (known) known.element.replaceWith(element);
  else {
    total++;
    const later = [...timeline.children].find((child) => {
      const other = events.get((child as HTMLElement).dataset.id ?? "");
      return other !== undefined && day(other.node) < day(node);
    });
    timeline.insertBefore(element, later ?? null);
  }
  events.set(node.id, { node, element });
  if (node.place) map.add(node.place, node.id, fresh);
  document.querySelector("#event-count")!.textContent = `${total} event${total === 1 ? "" : "s"}`;
  document.querySelector("#place-count")!.textContent = `${map.placeCount} place${map.placeCount === 1 ? "" : "s"}`;
  timeline.querySelector(".empty")?.remove();
}

async function start() {
  const response = await fetch(api, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: INITIAL }),
  });
  const body = (await response.json()) as { data?: { eventFeedCursor: string | null; events: { totalCount: number; edges: { node: EventNode }[] } }; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.map((e) => e.message).join("; ") ?? `HTTP ${response.status}`);
  const edges = body.data.events.edges;
  for (const { node } of [...edges].reverse()) upsert(node, false);
  total = Math.max(total, body.data.events.totalCount);
  if (edges.length === 0) timeline.append(text("li", "empty", "No events yet: ingest an article and it appears here."));

  const wsUrl = new URL(api);
  wsUrl.protocol = wsUrl.protocol === "https:" ? "wss:" : "ws:";
  const client = createClient({
    url: wsUrl.toString(),
    retryAttempts: Infinity,
    on: {
      connected: () => setStatus("live", "live"),
      closed: () => setStatus("connecting", "reconnecting…"),
    },
  });
  // Both feeds start at the cursor read with the timeline: nothing ingested since is missed.
  const after = body.data.eventFeedCursor ?? undefined;
  const follow = (query: string, field: "eventAdded" | "eventUpdated") =>
    client.subscribe<Record<string, { cursor: string | null; node: EventNode | null } | null>>(
      { query, variables: { after } },
      {
        next: ({ data }) => {
          const edge = data?.[field];
          if (edge?.node) upsert(edge.node, true);
        },
        error: (error) => setStatus("error", `feed error: ${error instanceof Error ? error.message : JSON.stringify(error)}`),
        complete: () => {},
      },
    );
  follow(ADDED, "eventAdded");
  follow(UPDATED, "eventUpdated");
}

start().catch((error: unknown) => setStatus("error", `cannot reach ${api.href}: ${error instanceof Error ? error.message : String(error)}`));
