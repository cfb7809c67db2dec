package dev.paddock;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.paddock.agent.AgentRequests;
import dev.paddock.joblog.JobLogReader;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native image must keep for reflection, and why; everything else is found by Quarkus.
 * <ul>
 * <li>{@code SnakeCaseStrategy}: {@code quarkus.jackson.property-naming-strategy=SNAKE_CASE} is
 * instantiated by class name when the ObjectMapper is built.</li>
 * <li>{@code AgentRequests.Register}: read by hand from the raw body (the body is optional).</li>
 * <li>{@code AgentRequests.Issue}, {@code TokensUsed}, {@code Result}: converted to maps for storage.</li>
 * <li>{@code JobLogReader.LogLine}: serialized by hand into Server-Sent Events.</li>
 * </ul>
 */
@RegisterForReflection(targets = {
        PropertyNamingStrategies.SnakeCaseStrategy.class,
        AgentRequests.Register.class,
        AgentRequests.Issue.class,
        AgentRequests.TokensUsed.class,
        AgentRequests.Result.class,
        JobLogReader.LogLine.class
})
public final class NativeReflection {

    private NativeReflection() {
    }
}
