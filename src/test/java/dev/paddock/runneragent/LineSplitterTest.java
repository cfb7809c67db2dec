package dev.paddock.runneragent;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineSplitterTest {

    private static List<String> lines(byte[] output) throws Exception {
        List<String> lines = new ArrayList<>();
        new LineSplitter(lines::add).drain(new ByteArrayInputStream(output));
        return lines;
    }

    @Test
    void cutsAtNewlinesDropsCarriageReturnsAndKeepsALastLineWithoutNewline() throws Exception {
        assertThat(lines("a\nb\r\n\nlast".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "b", "", "last");
        assertThat(lines(new byte[0])).isEmpty();
    }

    @Test
    void splitsALineOverSixtyFourKibibytesNeverInsideACharacter() throws Exception {
        String euro = "€"; // three bytes in UTF-8
        String text = "ab" + euro.repeat(30_000); // 90,002 bytes: the 64 KiB mark falls inside a character
        List<String> lines = lines((text + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LineSplitter.MAX_LINE_BYTES);
        assertThat(String.join("", lines)).isEqualTo(text);
        assertThat(String.join("", lines)).doesNotContain("\uFFFD");
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharacters() throws Exception {
        assertThat(lines(new byte[]{'o', 'k', (byte) 0xFF, '\n'})).containsExactly("ok\uFFFD");
    }
}
