/**
 * The fleet as people manage it: routes on runners (list, create, update, drain, resume, mark
 * offline, regenerate a token, delete, setup) and the operations behind them. Rows are written by
 * {@code runner}'s store; a runner that leaves hands its running jobs back through the dispatch
 * core first, in the same transaction.
 */
package dev.paddock.fleet;
