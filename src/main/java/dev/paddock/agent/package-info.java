/**
 * The runner agent protocol: {@link dev.paddock.agent.AgentService} says what a runner may do
 * (register, heartbeat, claim with a long-poll wait, fenced job calls, secrets) without any wire
 * format; {@link dev.paddock.agent.CanonicalAgentResource} is Paddock's own HTTP protocol over it,
 * and other systems' agent dialects are sibling adapters.
 */
package dev.paddock.agent;
