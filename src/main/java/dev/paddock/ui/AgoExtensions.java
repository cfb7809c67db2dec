package dev.paddock.ui;

import io.quarkus.qute.TemplateExtension;

import java.time.Instant;

/** {@link Ago} in the templates: {@code {job.createdAt.ago}}, {@code {job.durationMs.span}}, {@code {reason.words}}. */
@TemplateExtension
final class AgoExtensions {

    private AgoExtensions() {
    }

    /** "3 min ago"; the exact time goes in the element's title. */
    static String ago(Instant then) {
        return Ago.since(then, Instant.now());
    }

    /** "in 29 d" ahead, "3 min ago" past. */
    static String relative(Instant then) {
        return Ago.relative(then, Instant.now());
    }

    /** "340 ms", "42 s", "7 min". A template guards a span that may be null with {@code #if}: Qute refuses a call on null. */
    static String span(long millis) {
        return Ago.span(millis);
    }

    /** A wire name as words: next_in_line → next in line. */
    static String words(String name) {
        return name == null ? null : name.replace('_', ' ');
    }
}
