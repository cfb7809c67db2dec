package dev.paddock.support;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs a call on its own thread, which keeps the test's context class loader. The common
 * ForkJoin pool's threads carry the system class loader, under which RestAssured's Jackson finds
 * modules of another loader than the test's (ServiceConfigurationError "not a subtype").
 */
public final class Background {

    private Background() {
    }

    public static <T> CompletableFuture<T> call(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, command -> Thread.ofPlatform().daemon().start(command));
    }
}
