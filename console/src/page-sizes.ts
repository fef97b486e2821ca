/**
 * Page sizes that keep a view's query under the gateway's default cost limit (1000 upstream
 * requests; the __typename fields urql adds are counted too). Measured on the four-provider demo.
 */

/** Each row's protection is priced at its provider's policies and newest-backup walk: about 500 plus 61 a row: 5 rows cost about 800, 9 rows 1047. */
export const PROTECTION_PAGE_SIZE = 5;

/** Each policy's targets are priced as a list: about 60 a row: 10 rows cost about 610, 20 rows 1213. */
export const POLICIES_PAGE_SIZE = 10;
