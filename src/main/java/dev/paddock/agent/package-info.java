/**
 * The whole runner agent protocol. {@link dev.paddock.agent.AgentService} says what a runner may
 * do (register, heartbeat, update its own record, deregister, claim with a long-poll wait, fenced
 * job calls, secrets) without any wire format; {@link dev.paddock.agent.CanonicalAgentResource} is
 * Paddock's own HTTP protocol over it, with the install script
 * ({@link dev.paddock.agent.SetupInstructions}); {@link dev.paddock.agent.AgentArtifactResource}
 * serves the reference agent's JAR. Other systems' agent dialects are sibling adapters that call
 * this package, never the dispatch core.
 */
package dev.paddock.agent;
