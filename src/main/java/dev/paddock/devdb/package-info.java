/**
 * The database of the dev and test profiles when nobody configured one: a local PostgreSQL, Dev
 * Services, or an embedded PostgreSQL. Never active in prod, where the embedded one is not packaged.
 */
package dev.paddock.devdb;
