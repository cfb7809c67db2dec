package dev.paddock.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Finds the runner behind a token; the lookup itself is the runner's sign of life. */
@ApplicationScoped
public class RunnerCredentials {

    @Inject
    EntityManager em;

    /**
     * Any authenticated call of a runner counts as a sign of life: one statement finds the runner
     * by its token hash, stamps it with the database clock and brings an offline runner back.
     */
    @Transactional
    public Optional<AuthenticatedRunner> authenticate(byte[] tokenHash) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                UPDATE runners SET last_heartbeat_at = now(),
                       reported_status = CASE WHEN reported_status = 'offline' THEN 'online' ELSE reported_status END
                 WHERE token_hash = ?1
                RETURNING id, tenant""")
                .setParameter(1, tokenHash)
                .getResultList();
        return rows.stream().findFirst()
                .map(row -> new AuthenticatedRunner((UUID) row[0], (String) row[1], tokenHash));
    }
}
