/** The NOTIFY channel that tells every server process the feed log grew. Lower case: PGlite folds names. */
export const FEED_CHANNEL = "newsgraph_feed";
/** Advisory lock serialising feed appends, so feed sequence numbers commit in order. */
export const FEED_LOCK_KEY = 7_340_002;
