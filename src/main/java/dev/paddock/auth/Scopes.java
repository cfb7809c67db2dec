package dev.paddock.auth;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** The scope vocabulary and its implications ({@code manage} includes {@code read}). */
public final class Scopes {

    public static final String RUNNERS_READ = "runners:read";
    public static final String RUNNERS_MANAGE = "runners:manage";
    public static final String RUNNERS_REGISTER = "runners:register";
    public static final String JOBS_READ = "jobs:read";
    public static final String JOBS_MANAGE = "jobs:manage";

    private Scopes() {
    }

    /** Granted scopes plus what they imply. */
    public static Set<String> expand(Collection<String> granted) {
        Set<String> scopes = new HashSet<>(granted);
        if (scopes.contains(RUNNERS_MANAGE)) {
            scopes.add(RUNNERS_READ);
        }
        if (scopes.contains(JOBS_MANAGE)) {
            scopes.add(JOBS_READ);
        }
        return Set.copyOf(scopes);
    }
}
