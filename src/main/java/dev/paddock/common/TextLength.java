package dev.paddock.common;

/**
 * A text's length as the OpenAPI document's {@code maxLength} (JSON Schema) and PostgreSQL's
 * {@code varchar(n)} count it: in characters (Unicode code points), where {@link String#length()}
 * counts UTF-16 units and would refuse 100 emoji under a limit of 100.
 */
public final class TextLength {

    private TextLength() {
    }

    public static int of(CharSequence text) {
        return Character.codePointCount(text, 0, text.length());
    }
}
