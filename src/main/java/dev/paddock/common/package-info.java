/** Small pieces every feature shares: configuration, ids, labels, paging and query parsing, body validation. */
package dev.paddock.common;
