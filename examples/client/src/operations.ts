import { graphql } from "./gql";

/** What the client shows of an event: enough for a timeline with sources and a map. */
export const EventSummaryFragment = graphql(`
  fragment EventSummary on Event {
    id
    title
    type
    mode
    date
    status
    mentionCount
    sourceCount
    place {
      name
      country
      latitude
      longitude
    }
    participants {
      __typename
      name
    }
    mentions(first: 5) {
      edges {
        node {
          evidence
          article {
            title
            source
            url
            publishedAt
          }
        }
      }
    }
  }
`);

/** The events feed, newest first; `eventFeedCursor` is where a live subscription should start. */
export const LatestEventsQuery = graphql(`
  query LatestEvents($first: Int!, $after: String, $type: EventType, $place: String, $from: Date, $to: Date) {
    eventFeedCursor
    events(first: $first, after: $after, type: $type, place: $place, from: $from, to: $to) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...EventSummary
        }
      }
    }
  }
`);

export const IngestArticleMutation = graphql(`
  mutation IngestArticle($input: IngestArticleInput!) {
    ingestArticle(input: $input) {
      __typename
      ... on IngestArticlePayload {
        duplicate
        article {
          id
          title
        }
        addedEvents {
          ...EventSummary
        }
        updatedEvents {
          id
          title
        }
      }
      ... on IngestError {
        code
        message
      }
    }
  }
`);

export const EventAddedSubscription = graphql(`
  subscription EventAdded($type: EventType, $participant: String, $place: String, $after: String) {
    eventAdded(type: $type, participant: $participant, place: $place, after: $after) {
      cursor
      kind
      node {
        ...EventSummary
      }
    }
  }
`);
