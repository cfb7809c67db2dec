package dev.paddock.event;

import java.util.List;

/** The types of event the service writes, and how callers name them: a type, or a prefix ending in {@code *}. */
public final class EventTypes {

    public static final String WEBHOOK_PING = "paddock.webhook.ping";

    /** Every type written to the events table. */
    public static final List<String> ALL = List.of(
            "paddock.job.queued", "paddock.job.started", "paddock.job.finished",
            "paddock.runner.created", "paddock.runner.online", "paddock.runner.offline", "paddock.runner.draining",
            "paddock.runner.deleted", "paddock.runner.token_regenerated",
            "paddock.api_key.created", "paddock.api_key.revoked",
            "paddock.webhook.disabled");

    private EventTypes() {
    }

    /** Whether {@code name} is a known type, or a prefix ending in {@code *} that some known type has. */
    public static boolean known(String name) {
        if (name.endsWith("*")) {
            String prefix = name.substring(0, name.length() - 1);
            return ALL.stream().anyMatch(type -> type.startsWith(prefix));
        }
        return ALL.contains(name);
    }

    /** {@code paddock.job.*} as the LIKE pattern of a prefix; anything else as the pattern of one type. */
    public static String likePattern(String name) {
        String escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return escaped.endsWith("*") ? escaped.substring(0, escaped.length() - 1) + "%" : escaped;
    }
}
