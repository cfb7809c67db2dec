package dev.paddock.common;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.paddock.job.JobQueries;
import dev.paddock.job.JobRequests;
import dev.paddock.runner.RunnerRequests;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native image must keep for reflection, and why; everything else is found by Quarkus.
 * <ul>
 * <li>{@code SnakeCaseStrategy}: {@code quarkus.jackson.property-naming-strategy=SNAKE_CASE} is
 * instantiated by class name when the ObjectMapper is built.</li>
 * <li>{@code RunnerRequests.Register}: read by hand from the raw body (the body is optional).</li>
 * <li>{@code JobRequests.Issue}, {@code TokensUsed}: converted to maps for storage.</li>
 * <li>{@code JobQueries.LogLine}: serialized by hand into Server-Sent Events.</li>
 * </ul>
 */
@RegisterForReflection(targets = {
        PropertyNamingStrategies.SnakeCaseStrategy.class,
        RunnerRequests.Register.class,
        JobRequests.Issue.class,
        JobRequests.TokensUsed.class,
        JobRequests.Result.class,
        JobQueries.LogLine.class
})
public final class NativeReflection {

    private NativeReflection() {
    }
}
