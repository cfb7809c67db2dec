package dev.paddock.common;

/**
 * The patterns the OpenAPI document gives query and header parameters, each the exact rule the
 * service applies, so that a client generated from the document is neither refused a value the
 * document allows nor let through with one it forbids.
 */
public final class ParameterPatterns {

    private ParameterPatterns() {
    }

    private static final String BLANK = "[\\u0000-\\u0020]*"; // what String.trim() takes off
    private static final String LABEL = "[a-z0-9][a-z0-9._:-]{0,62}";

    /** A {@code label} value ({@link QueryParams#labels}): labels separated by commas, each trimmed, empty ones ignored. */
    public static final String LABELS = "^" + BLANK + "(" + LABEL + BLANK + ")?(," + BLANK + "(" + LABEL + BLANK + ")?)*$";

    /** An event type filter: a type, or a prefix of one ending in {@code *}. */
    public static final String EVENT_TYPE_FILTER = "^[a-z0-9_.]{1,64}\\*?$";

    /** Free text, which may be anything PostgreSQL can compare: no NUL. */
    public static final String TEXT = "^[^\\u0000]*$";

    /** {@code Last-Event-ID}: a sequence number, or empty for none. */
    public static final String SEQUENCE = "^[0-9]{0,18}$";

    /** A UUID as the document's {@code format: uuid} takes it: 8-4-4-4-12 hexadecimal digits. */
    public static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
}
