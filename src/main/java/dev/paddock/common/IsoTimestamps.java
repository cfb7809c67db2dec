package dev.paddock.common;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ISO-8601 timestamps with an offset, as {@link OffsetDateTime#parse} reads them, read without its
 * cost in the common shape ({@code 2026-12-04T21:00:00.123456Z}, {@code …+02:00}): a log batch
 * carries one per line, and the general parser was a tenth of the service's time storing logs
 * (bench/RESULTS.md). Any other shape, valid or not, goes to {@link OffsetDateTime#parse}, which
 * decides: both read every text alike ({@code IsoTimestampsTest}).
 */
public final class IsoTimestamps {

    private IsoTimestamps() {
    }

    /** RFC 3339's date-time, JSON Schema's {@code format: date-time}, which the document promises. */
    private static final Pattern RFC_3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(?:[Zz]|([+-])(\\d{2}):(\\d{2}))");

    /** @throws DateTimeParseException when the text is no ISO-8601 timestamp with an offset */
    public static Instant parse(String text) {
        Instant fast = parseCommon(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException refused) {
            return beyondJava(text, refused);
        }
    }

    /**
     * What RFC 3339 allows and {@link OffsetDateTime} refuses: an offset past ±18:00 (to ±23:59), a
     * leap second (:60, read as the next second), more than nine digits of fraction (the rest dropped).
     */
    private static Instant beyondJava(String text, DateTimeParseException refused) {
        Matcher parts = RFC_3339.matcher(text);
        if (!parts.matches()) {
            throw refused;
        }
        int hour = Integer.parseInt(parts.group(4));
        int minute = Integer.parseInt(parts.group(5));
        int second = Integer.parseInt(parts.group(6));
        int offsetHours = parts.group(8) == null ? 0 : Integer.parseInt(parts.group(9));
        int offsetMinutes = parts.group(8) == null ? 0 : Integer.parseInt(parts.group(10));
        if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) {
            throw refused;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(Integer.parseInt(parts.group(1)), Integer.parseInt(parts.group(2)),
                    Integer.parseInt(parts.group(3))).toEpochDay();
        } catch (DateTimeException invalidDate) {
            throw refused;
        }
        String fraction = parts.group(7) == null ? "" : parts.group(7);
        int nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
        int offsetSeconds = ("-".equals(parts.group(8)) ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        return Instant.ofEpochSecond(epochDay * 86400 + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
    }

    /** {@code uuuu-MM-ddTHH:mm:ss[.fraction of 1–9 digits](Z|±HH:mm)}, else null. */
    private static Instant parseCommon(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < length && at - start < 10 && isDigit(text.charAt(at))) {
                at++;
            }
            int count = at - start;
            if (count < 1 || count > 9) {
                return null;
            }
            nanos = digits(text, start, count);
            for (int i = count; i < 9; i++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (at == length - 1 && text.charAt(at) == 'Z') {
            offsetSeconds = 0;
        } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-')
                && text.charAt(at + 3) == ':') {
            int offsetHours = digits(text, at + 1, 2);
            int offsetMinutes = digits(text, at + 4, 2);
            if (offsetHours < 0 || offsetHours > 17 || offsetMinutes < 0 || offsetMinutes > 59) {
                return null;
            }
            offsetSeconds = (text.charAt(at) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException invalidDate) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86400 + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
    }

    /** The number written by {@code count} ASCII digits from {@code start}, or -1. */
    private static int digits(String text, int start, int count) {
        int value = 0;
        for (int i = start; i < start + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
