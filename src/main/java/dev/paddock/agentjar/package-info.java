/**
 * The reference agent as the service ships it: {@code paddock-agent.jar}, packed into the service's
 * own artifact at build time (see the pom and {@code src/agent/}), served without credentials with
 * its SHA-256, which the runner install script checks.
 */
package dev.paddock.agentjar;
