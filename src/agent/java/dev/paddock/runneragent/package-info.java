/**
 * paddock-agent, the reference runner agent: a program of its own, run on each runner machine,
 * that speaks the canonical agent API over HTTP. It is built from these sources into its own JAR
 * ({@code src/agent/assembly.xml}) with picocli and Jackson, and shares no code with the service
 * (PackageRulesTest): the service only serves the JAR.
 */
package dev.paddock.runneragent;
