package dev.paddock.agent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** X-Runner-* headers carry the agent's own text: UTF-8 bytes, which HTTP hands over as ISO-8859-1. */
class HeaderTextTest {

    @Test
    void aNameSentInUtf8IsReadAsWritten() {
        String asReceived = new String("café-runner-東京".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(CanonicalAgentResource.utf8(asReceived)).isEqualTo("café-runner-東京");
    }

    @Test
    void plainAsciiAndBytesThatAreNotUtf8AreKeptAsTheyCame() {
        assertThat(CanonicalAgentResource.utf8("runner-1")).isEqualTo("runner-1");
        assertThat(CanonicalAgentResource.utf8("caf\u00e9")).isEqualTo("caf\u00e9"); // one ISO-8859-1 byte, not UTF-8
        assertThat(CanonicalAgentResource.utf8(null)).isNull();
    }
}
