/**
 * The fleet: runners, their tokens, drains, setup, liveness. A runner that leaves hands its jobs
 * back through the dispatch core.
 */
package dev.paddock.runner;
