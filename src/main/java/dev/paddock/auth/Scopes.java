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
    public static final String WEBHOOKS_MANAGE = "webhooks:manage";
    public static final String API_KEYS_MANAGE = "api-keys:manage";
    /** Every scope Paddock knows, as a pattern a request's field is checked with. */
    public static final String ONE_OF = RUNNERS_READ + "|" + RUNNERS_MANAGE + "|" + RUNNERS_REGISTER + "|" + JOBS_READ
            + "|" + JOBS_MANAGE + "|" + WEBHOOKS_MANAGE + "|" + API_KEYS_MANAGE;
    /** Every scope Paddock knows: a credential holding none of them may call no route (403). */
    public static final Set<String> ALL = Set.of(ONE_OF.split("\\|"));

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

    public static boolean anyOf(Collection<String> granted) {
        return granted.stream().anyMatch(ALL::contains);
    }
}
