/**
 * The event feed people and their automation catch up from: {@code GET /api/events}, the
 * tenant's events in sequence order, rendered as CloudEvents with the resource as the people's
 * GET shows it.
 */
package dev.paddock.feed;
