package dev.paddock.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** IsoTimestamps reads every text as OffsetDateTime.parse does: the same instant, or the same refusal. */
class IsoTimestampsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-12-04T21:00:00Z", "2026-12-04T21:00:00.1Z", "2026-12-04T21:00:00.123456789Z",
            "2026-12-04T21:00:00.000000000Z", "2026-12-04T21:00:00+02:00", "2026-12-04T21:00:00.5-05:30",
            "2026-12-04T00:00:00-00:00", "2024-02-29T23:59:59.999Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59+17:59", "2026-12-04T21:00:00+18:00", "2026-12-04T21:00:00-18:00",
            "2026-12-04t21:00:00z", "2026-12-04T21:00+01:00", "2026-12-04T21:00:00+01:00:30", "2026-12-04T21:00Z",
            "2026-12-04T21:00:00.Z"})
    void reads_valid_timestamps_as_the_general_parser_does(String text) {
        assertEquals(OffsetDateTime.parse(text).toInstant(), IsoTimestamps.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "now", "2026-12-04", "2026-12-04T21:00:00", "2026-13-04T21:00:00Z", "2026-02-30T21:00:00Z",
            "2025-02-29T21:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T21:60:00Z",
            "2026-12-04T21:00:00+24:00", "2026-12-04T21:00:61Z",
            "2026-12-04T21:00:00+01:60", "2026-12-04T21:00:00+0100", "2026-12-04 21:00:00Z", "2026-12-04T21:00:00ZZ",
            "2026-12-04T21:00:0aZ", "+2026-12-04T21:00:00Z", "２０２６-12-04T21:00:00Z", "2026-12-04T21:00:00Z "})
    void refuses_what_the_general_parser_refuses(String text) {
        assertThrows(DateTimeParseException.class, () -> OffsetDateTime.parse(text));
        assertThrows(DateTimeParseException.class, () -> IsoTimestamps.parse(text));
    }

    /** RFC 3339 (the document's date-time) allows what Java's parser refuses: each is read, not a 400. */
    @ParameterizedTest
    @CsvSource({
            "0957-01-26T17:31:25.3+18:35, 0957-01-25T22:56:25.300Z",
            "2026-12-04T21:00:00-23:59, 2026-12-05T20:59:00Z",
            "2026-12-31T23:59:60Z, 2027-01-01T00:00:00Z",
            "2026-12-04t21:00:00.1234567891z, 2026-12-04T21:00:00.123456789Z"})
    void reads_what_rfc_3339_allows_beyond_the_general_parser(String text, String instant) {
        assertThrows(DateTimeParseException.class, () -> OffsetDateTime.parse(text));
        assertEquals(Instant.parse(instant), IsoTimestamps.parse(text));
    }

    @Test
    void agrees_with_the_general_parser_on_random_instants_offsets_and_precisions() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L),
                    random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            String text = OffsetDateTime.ofInstant(instant, offset).toString();
            assertEquals(OffsetDateTime.parse(text).toInstant(), IsoTimestamps.parse(text), text);
            assertEquals(OffsetDateTime.parse(text).toInstant(), IsoTimestamps.parse(instant.toString()),
                    instant.toString());
        }
    }
}
