package dev.paddock.problem;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures a client should simply retry (503 with Retry-After) rather than report (500). */
class TransientFailureTest {

    @Test
    void noFreeConnectionInTimeIsTransientWhereverItIsWrapped() {
        SQLException poolTimeout = new SQLException("Sorry, acquisition timeout!");
        assertThat(ProblemMappers.isTransient(poolTimeout)).isTrue();
        assertThat(ProblemMappers.isTransient(new IllegalStateException(new RuntimeException(poolTimeout)))).isTrue();
        assertThat(ProblemMappers.isTransient(new SQLTransientConnectionException("gone"))).isTrue();
    }

    @Test
    void lostConnectionsDeadlocksAndShutdownsAreTransient() {
        assertThat(ProblemMappers.isTransient(new SQLException("x", "08006"))).isTrue();
        assertThat(ProblemMappers.isTransient(new SQLException("x", "40P01"))).isTrue();
        assertThat(ProblemMappers.isTransient(new SQLException("x", "40001"))).isTrue();
        assertThat(ProblemMappers.isTransient(new SQLException("x", "57P01"))).isTrue();
        assertThat(ProblemMappers.isTransient(new SQLException("x", "53300"))).isTrue();
    }

    @Test
    void bugsAreNot() {
        assertThat(ProblemMappers.isTransient(new SQLException("syntax", "42601"))).isFalse();
        assertThat(ProblemMappers.isTransient(new SQLException("unique", "23505"))).isFalse();
        assertThat(ProblemMappers.isTransient(new IllegalStateException("bug"))).isFalse();
        assertThat(ProblemMappers.isTransient(new SQLException((String) null))).isFalse();
    }
}
