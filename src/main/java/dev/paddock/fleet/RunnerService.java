package dev.paddock.fleet;

import dev.paddock.runner.RunnerView;
import dev.paddock.auth.Person;
import dev.paddock.auth.RunnerCredentials;
import dev.paddock.common.Labels;
import dev.paddock.common.PageRequest;
import dev.paddock.db.Columns;
import dev.paddock.db.Transactions;
import dev.paddock.dispatch.JobReleases;
import dev.paddock.problem.ProblemException;
import dev.paddock.runner.Runner;
import dev.paddock.runner.RunnerRows;
import dev.paddock.runner.RunnerState;
import dev.paddock.runner.RunnerStore;
import dev.paddock.runner.RunnerTokens;
import dev.paddock.signal.SignalSender;
import dev.paddock.signal.Signals;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * People's operations on the fleet, each in one transaction: the rows are written by
 * {@link RunnerStore}; a runner that leaves (deleted, deregistered) hands its running jobs back
 * through the dispatch core first (jobs are locked before runners); a changed token or liveness is
 * forgotten by every replica's credential cache.
 */
@ApplicationScoped
public class RunnerService {

    @Inject
    SignalSender signals;

    @Inject
    RunnerStore store;

    @Inject
    Transactions transactions;

    @Inject
    JobReleases releases;

    @Inject
    RunnerCredentials credentials;

    /** A runner with the token just issued to it. */
    public record Created(Runner runner, String token) {
    }

    public record Filters(String status, List<String> labels, String q) {

        /** From a request's query: {@code status}, {@code label} (repeatable), {@code q}; 400 naming a bad one. */
        public static Filters from(jakarta.ws.rs.core.MultivaluedMap<String, String> query) {
            List<dev.paddock.problem.FieldError> errors = new java.util.ArrayList<>();
            String status = dev.paddock.common.QueryParams.oneOf(query, "status", dev.paddock.runner.RunnerStatus.ALL,
                    errors);
            List<String> labels = dev.paddock.common.QueryParams.labels(query, "label", errors);
            String q = dev.paddock.common.QueryParams.text(query, "q", errors);
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(errors);
            }
            return new Filters(status, labels, q);
        }
    }

    public Created create(Person person, RunnerRequests.Create request) {
        RunnerTokens.Issued token = RunnerTokens.issue();
        Runner runner = store.create(person.tenant(), person.subject(), new RunnerStore.Fields(request.name(),
                Labels.normalize(request.labels()), request.maxConcurrency(), request.capabilities(), null, null, null,
                request.ephemeral()),
                token);
        return new Created(runner, token.token());
    }

    /** How a list of runners is ordered. */
    public enum Order {
        /** The API's order (API.md): the runners heard from last first. */
        NEWEST_HEARTBEAT("last_heartbeat_at DESC NULLS LAST, created_at DESC, id"),
        /** By name: a page people act on, whose rows must not move as heartbeats arrive. */
        NAME("name, id");

        private final String sql;

        Order(String sql) {
            this.sql = sql;
        }
    }

    public RunnerView.Page list(String tenant, Filters filters, PageRequest page, boolean onlyAvailable) {
        return list(tenant, filters, page, onlyAvailable, Order.NEWEST_HEARTBEAT);
    }

    public RunnerView.Page list(String tenant, Filters filters, PageRequest page, boolean onlyAvailable, Order order) {
        StringBuilder where = new StringBuilder("tenant = :tenant");
        Map<String, Object> params = new HashMap<>(Map.of("tenant", tenant));
        if (filters.status() != null) {
            where.append(" AND ").append(RunnerState.STATUS).append(" = :status");
            params.put("status", filters.status());
        }
        if (filters.q() != null) {
            where.append(" AND lower(name) LIKE :q ESCAPE '\\'");
            params.put("q", "%" + escapeLike(filters.q().toLowerCase()) + "%");
        }
        if (!filters.labels().isEmpty()) {
            where.append(" AND labels @> CAST(:labels AS varchar(63)[])");
            params.put("labels", filters.labels().toArray(String[]::new));
        }
        if (onlyAvailable) {
            where.append(" AND ").append(RunnerState.TAKES_WORK);
        }
        long total = transactions.row("SELECT count(*) FROM runners r WHERE " + where, params, row -> row.getLong(1));
        params.put("limit", page.limit());
        params.put("offset", page.offset());
        List<RunnerView> runners = transactions.rows("SELECT " + RunnerState.COLUMNS + " FROM runners r WHERE " + where
                        + " ORDER BY " + order.sql + " LIMIT :limit OFFSET :offset",
                params, row -> RunnerView.of(RunnerRows.read(Columns.of(row))));
        return new RunnerView.Page(runners, total, page.limit(), page.offset(), page.page(), page.perPage());
    }

    public Runner get(String tenant, UUID id) {
        return found(store.find(tenant, id));
    }

    public Runner update(String tenant, UUID id, RunnerRequests.Update request) {
        return found(store.update(tenant, id, new RunnerStore.Fields(request.name(),
                request.labels() == null ? null : Labels.normalize(request.labels()), request.maxConcurrency(),
                request.capabilities(), null, null, null, null)));
    }

    public void delete(String tenant, UUID id) {
        transactions.inTransaction(() -> {
            // deleted first: another tenant's runner is not found, and the release that follows
            // finds an ephemeral runner's row already gone rather than retiring it as its own
            found(store.delete(tenant, id));
            releases.release(id, "runner deleted; out of attempts");
            credentials.forget(id);
        });
    }

    public Created regenerateToken(String tenant, UUID id) {
        RunnerTokens.Issued token = RunnerTokens.issue();
        return transactions.inTransaction(() -> {
            Runner runner = found(store.replaceToken(tenant, id, token));
            credentials.forget(id);
            return new Created(runner, token.token());
        });
    }

    public Runner markOffline(String tenant, UUID id) {
        return transactions.inTransaction(() -> {
            Runner runner = found(store.markOffline(tenant, id));
            credentials.forget(id);
            return runner;
        });
    }

    /** A drain begun or ended; an end wakes the tenant's long polls on every replica, as a job enqueued does. */
    public Runner setDrain(String tenant, UUID id, boolean drain) {
        Runner runner = found(store.setDrain(tenant, id, drain));
        if (!drain) {
            // the runner may take the jobs already waiting: its long poll looks again now, not at its end
            signals.afterCommit(Signals.JOBS_CHANNEL, Signals.tenantTopic(tenant));
        }
        return runner;
    }

    private static Runner found(Optional<Runner> runner) {
        return runner.orElseThrow(() -> ProblemException.notFound("Runner"));
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
