package dev.paddock.runneragent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a program's output into log lines: at each newline (a CR before it dropped), and a line
 * longer than {@link #MAX_LINE_BYTES} into pieces of at most that many bytes, never inside a UTF-8
 * character, so a program printing one endless line costs bounded memory. Bytes that are not UTF-8,
 * and NUL, which the service cannot store, become U+FFFD.
 */
final class LineSplitter {

    static final int MAX_LINE_BYTES = 64 * 1024;

    private final Consumer<String> lines;
    private byte[] line = new byte[256];
    private int length;

    LineSplitter(Consumer<String> lines) {
        this.lines = lines;
    }

    /** Reads the stream to its end, then emits what is left as a last line. */
    void drain(InputStream in) throws IOException {
        byte[] chunk = new byte[8192];
        int read;
        while ((read = in.read(chunk)) >= 0) {
            accept(chunk, 0, read);
        }
        finish();
    }

    void accept(byte[] bytes, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit(length > 0 && line[length - 1] == '\r' ? length - 1 : length, length);
                continue;
            }
            if (length == MAX_LINE_BYTES) {
                int cut = characterBoundary();
                emit(cut, cut);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, line.length * 2));
            }
            line[length++] = b;
        }
    }

    void finish() {
        if (length > 0) {
            emit(length, length);
        }
    }

    /** Where to cut a full buffer: before a UTF-8 character that the cut would split. */
    private int characterBoundary() {
        int at = length;
        // step back over continuation bytes (10xxxxxx) to the start of the last character
        int back = 0;
        while (back < 4 && at - back - 1 >= 0 && (line[at - back - 1] & 0xC0) == 0x80) {
            back++;
        }
        int lead = at - back - 1;
        if (lead >= 0 && back < 4) {
            int b = line[lead] & 0xFF;
            int needed = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
            if (needed > back) {
                return lead; // the last character is incomplete: keep it for the next piece
            }
        }
        return at;
    }

    /** Emits the first {@code end} bytes as a line and keeps those from {@code keepFrom} on for the next one. */
    private void emit(int end, int keepFrom) {
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        lines.accept(text.indexOf('\0') >= 0 ? text.replace('\0', '\uFFFD') : text);
        int rest = length - keepFrom;
        System.arraycopy(line, keepFrom, line, 0, rest);
        length = rest;
        if (length == 0 && line.length > 4096) {
            line = new byte[256]; // one long line does not keep 64 KiB per stream for the job's life
        }
    }
}
