package dev.paddock.common;

import dev.paddock.problem.ProblemException;

import java.util.UUID;

/** Path ids: anything that is not a UUID names nothing, so it is a 404 rather than a 400. */
public final class Ids {

    private Ids() {
    }

    public static UUID parse(String raw, String what) {
        try {
            if (raw != null && raw.length() == 36) {
                return UUID.fromString(raw);
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to not found
        }
        throw ProblemException.notFound(what);
    }
}
