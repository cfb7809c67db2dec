package dev.paddock.runner;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A token is stored as its SHA-256: the same bytes whichever thread hashes it, however many at once. */
class RunnerTokensTest {

    @Test
    void hashIsTheTokensSha256() {
        // SHA-256 of "abc", FIPS 180-2 appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(RunnerTokens.hash("abc")));
    }

    @Test
    void hashesFromManyThreadsAtOnceAreEachTheirTokens() throws Exception {
        List<Callable<Void>> hashers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            hashers.add(() -> {
                for (int i = 0; i < 5_000; i++) {
                    String token = RunnerTokens.PREFIX + thread + "-" + i;
                    byte[] expected = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
                    assertArrayEquals(expected, RunnerTokens.hash(token), token);
                }
                return null;
            });
        }
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (Future<Void> done : threads.invokeAll(hashers)) {
                done.get();
            }
        }
    }
}
