/**
 * Other runner systems' wire protocols (DIALECTS.md), each a thin adapter over the same services
 * as the canonical routes: their paths, field names, envelopes and credentials, Paddock's engine.
 */
package dev.paddock.dialect;
