package dev.paddock.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** The label rule shared by runners and jobs. */
public final class Labels {

    public static final String REGEX = "^[a-z0-9][a-z0-9._:-]{0,62}$";
    public static final String MESSAGE = "must match ^[a-z0-9][a-z0-9._:-]{0,62}$";
    public static final int MAX = 32;
    public static final Pattern PATTERN = Pattern.compile(REGEX);

    private Labels() {
    }

    /** Duplicates removed, order kept; null is no labels. */
    public static List<String> normalize(List<String> labels) {
        return labels == null ? new ArrayList<>() : new ArrayList<>(new LinkedHashSet<>(labels));
    }
}
