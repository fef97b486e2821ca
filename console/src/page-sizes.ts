/**
 * Page sizes that keep a view's query under the gateway's default cost limit (1000 upstream
 * requests). Measured on the four-provider demo (`__typename` is free).
 */

/**
 * The report is priced at each provider's resource pages, policies and newest-backup walks (about
 * 500 on four providers, 125 more per provider) plus 48 a row for the row's protection: 5 rows cost
 * 741, and leave room for a fifth provider.
 */
export const PROTECTION_PAGE_SIZE = 5;

/** A policy and its targets: about 2 a row, 20 rows cost 52. */
export const POLICIES_PAGE_SIZE = 20;
