/**
 * The operations GraphiQL opens with: pick one with the ▶ button. A test validates them against
 * the schema, so they cannot go stale.
 */
export const EXAMPLE_OPERATIONS = `# Newsgraph. Pick an operation to run with the play button.

# The events feed: the latest events with place, participants and their sources.
query EventsFeed {
  events(first: 10) {
    totalCount
    edges {
      cursor
      node {
        title
        type
        date
        status
        place { name country latitude longitude }
        participants { __typename name }
        mentionCount
        sourceCount
        mentions(first: 3) { edges { node { evidence article { title source publishedAt } } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}

# An entity page: a person with what they said and the events they took part in.
query PersonPage {
  people(name: "Zelensky", first: 1) {
    edges {
      node {
        name
        role
        aliases
        quotes(first: 5) { totalCount edges { node { text article { title source } } } }
        events(first: 5) { totalCount edges { node { title type date place { name } } } }
      }
    }
  }
}

# A place and what happened there ("Kiev" finds Kyiv).
query PlacePage {
  places(name: "Kiev", first: 1) {
    edges { node { name country latitude longitude eventsHere(first: 5) { edges { node { title date } } } } }
  }
}

# Live: new events as articles are ingested (run it, then ingest an article elsewhere).
subscription LiveEvents {
  eventAdded {
    cursor
    node { title type date place { name } mentions(first: 1) { edges { node { article { title } } } } }
  }
}
`;
