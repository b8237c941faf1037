// The GraphQL endpoint of the Newsgraph server. The dev server proxies /graphql to localhost:4000;
// a deployment may serve its own config.js, or open the page with ?api=https://host/graphql.
window.NEWSGRAPH_URL = window.NEWSGRAPH_URL || "/graphql";
