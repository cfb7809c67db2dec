/**
 * How the service talks to PostgreSQL. Every write runs in {@link dev.paddock.db.Transactions}: a
 * local transaction (BEGIN, plain JDBC statements, COMMIT) on a pooled connection that the calling
 * thread holds, joined by whatever that thread calls meanwhile. It was chosen for the hot path: an
 * agent call is one or two statements, and a JTA transaction with a Hibernate session around each
 * cost more of a job's lifecycle than its statements did (bench/RESULTS.md). The same mechanism
 * serves people's writes, people's reads and the sweeps, so no transaction nests in another of a
 * different kind; there is no ORM. {@link dev.paddock.db.NamedSql} lets statements keep
 * {@code :name} parameters on plain JDBC, and {@link dev.paddock.db.Columns} reads a row (or an
 * event's snapshot of one) by column name.
 */
package dev.paddock.db;
