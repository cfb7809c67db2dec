package dev.paddock.auth;

import dev.paddock.runner.RunnerTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.problem.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Proves who is calling, once per request, as the route's declaration asks ({@link AccessFilter}).
 * People carry a JWT verified by smallrye-jwt; runner agents carry a runner token. Each kind of
 * route accepts only its kind of caller: the other kind is a 401 (a JWT holding none of Paddock's
 * scopes is a 403 everywhere). Resources then read the caller
 * proven here; asking for a kind the route did not declare is a programming error.
 */
@RequestScoped
public class Authenticator {

    private static final String BEARER = "bearer ";

    @Inject
    HttpServerRequest request;

    @Inject
    VerifiedJwts jwts;

    @Inject
    RunnerCredentials credentials;

    @Inject
    AgentCallLimit agentCalls;

    @Inject
    ApiKeyCredentials apiKeys;

    @Inject
    RoutingContext routing;

    @Inject
    ObjectMapper json;

    private Caller caller;

    /** Who is calling: a person or a runner; for routes both may use. */
    public sealed interface Caller permits PersonCaller, RunnerCaller {
    }

    public record PersonCaller(Person person) implements Caller {
    }

    public record RunnerCaller(AuthenticatedRunner runner) implements Caller {
    }

    /** The person the route admitted. */
    public Person person() {
        if (caller instanceof PersonCaller(Person person)) {
            return person;
        }
        throw new IllegalStateException("this route does not declare @PersonAccess");
    }

    /** The runner the route admitted. */
    public AuthenticatedRunner runner() {
        if (caller instanceof RunnerCaller(AuthenticatedRunner runner)) {
            return runner;
        }
        throw new IllegalStateException("this route does not declare @RunnerAccess");
    }

    /** The person or runner a {@link PersonOrRunnerAccess} route admitted. */
    public Caller caller() {
        if (caller == null) {
            throw new IllegalStateException("this route declares no caller");
        }
        return caller;
    }

    /**
     * A person holding one of {@code scopes} (any of Paddock's when empty): 401 without a valid JWT
     * or API key, 403 without the scope, and 403 for a credential holding none of Paddock's scopes.
     */
    void admitPerson(String... scopes) {
        String bearer = bearerToken();
        String apiKey = apiKey();
        if (apiKey == null && (bearer == null || RunnerTokens.looksLikeToken(bearer))) {
            throw ProblemException.unauthorized(bearer == null
                    ? "A bearer JWT or an API key is required."
                    : "Runner tokens are not accepted on this route; use a person's JWT or an API key.");
        }
        Person person = apiKey != null ? apiKeys.authenticate(apiKey)
                .orElseThrow(() -> ProblemException.unauthorized("The API key is unknown, deleted or expired."))
                : jwts.verify(bearer);
        if (!Scopes.anyOf(person.scopes())) {
            throw noPaddockScope();
        }
        if (scopes.length > 0 && java.util.Arrays.stream(scopes).noneMatch(person::has)) {
            throw ProblemException.forbidden(scopes.length == 1
                    ? "This route needs the scope " + scopes[0] + "."
                    : "This route needs one of the scopes " + String.join(", ", scopes) + ".");
        }
        caller = new PersonCaller(person);
    }

    /**
     * A runner agent: its runner token, or an API key acting as a runner it registered, named by
     * {@code runnerInPath} or the request (see {@link RunnerAccess#runnerInPath()}). 401 without a
     * valid credential (a JWT is not one); 429 over the runner's rate.
     */
    void admitRunner(boolean recordSignOfLife, String runnerInPath, String jobInPath) {
        String token = runnerToken();
        String apiKey = token == null ? apiKey() : null;
        if (apiKey != null) {
            admitKeyAsRunner(apiKey, runnerInPath, jobInPath, recordSignOfLife);
            return;
        }
        if (token == null) {
            refuseScopelessJwt();
            throw ProblemException.unauthorized("A runner token is required (X-Runner-Token, Authorization: Bearer or x-api-key).");
        }
        admit(token, recordSignOfLife);
    }

    /**
     * A JWT holding none of Paddock's scopes is 403 on every route, a runner's too: on a route that
     * takes another credential, one sent without the credential the route needs is refused as the
     * people's routes refuse it. Any other JWT there (an invalid one, one with scopes) is left to
     * the route's 401.
     */
    private void refuseScopelessJwt() {
        String bearer = bearerToken();
        if (bearer == null || RunnerTokens.looksLikeToken(bearer) || ApiKeyCredentials.looksLikeKey(bearer)) {
            return;
        }
        Person person;
        try {
            person = jwts.verify(bearer);
        } catch (ProblemException invalid) {
            return;
        }
        if (!Scopes.anyOf(person.scopes())) {
            throw noPaddockScope();
        }
    }

    private static ProblemException noPaddockScope() {
        return ProblemException.forbidden("The credential holds none of Paddock's scopes ("
                + String.join(", ", Scopes.ALL.stream().sorted().toList()) + ").");
    }

    /**
     * {@link #admitRunner} for a runner token this replica knows, without blocking (on an event
     * loop); false when admitting the call needs the database or refuses it: then
     * {@link #admitRunner} decides, on a worker thread.
     */
    boolean admitKnownRunner(boolean recordSignOfLife) {
        String token = runnerToken();
        if (token == null || !RunnerTokens.looksLikeToken(token)) {
            return false;
        }
        AuthenticatedRunner runner = credentials.fromMemory(RunnerTokens.hash(token), recordSignOfLife);
        if (runner == null) {
            return false;
        }
        admitAs(runner);
        return true;
    }

    /**
     * An API key holding runners:register or runners:manage acting as the runner it registered;
     * any other runner is 404 for it. Naming no runner on a job's route, it acts as the job's holder
     * ({@link RunnerAccess#jobInPath()}); elsewhere naming none is 404.
     */
    private void admitKeyAsRunner(String apiKey, String runnerInPath, String jobInPath, boolean recordSignOfLife) {
        Person person = apiKeys.authenticate(apiKey)
                .orElseThrow(() -> ProblemException.unauthorized("The API key is unknown, deleted or expired."));
        if (!person.has(Scopes.RUNNERS_REGISTER) && !person.has(Scopes.RUNNERS_MANAGE)) {
            throw ProblemException.forbidden("Acting as a runner needs a key with runners:register or runners:manage.");
        }
        // read once: naming the runner may take reading the body
        Optional<UUID> named = namedRunner(runnerInPath);
        if (jobInPath != null && named.isEmpty()) {
            admitAs(holderOfJob(person, jobInPath, recordSignOfLife));
            return;
        }
        admitAs(runnerOfKey(person, named, recordSignOfLife).orElseThrow(() -> ProblemException.notFound("Runner")));
    }

    /** The runner of this key holding the job; 409 lease-lost when one of its runners held it before, else 404. */
    private AuthenticatedRunner holderOfJob(Person person, String jobInPath, boolean recordSignOfLife) {
        UUID job;
        try {
            job = UUID.fromString(jobInPath.trim());
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("Task");
        }
        return switch (credentials.jobHolderForKey(person.apiKeyId(), person.tenant(), job)) {
            case RunnerCredentials.JobHolder.Holder(UUID runner) ->
                    credentials.authenticateForKey(person.apiKeyId(), person.tenant(), runner, recordSignOfLife)
                            .orElseThrow(() -> ProblemException.notFound("Task"));
            case RunnerCredentials.JobHolder.HeldBefore ignored -> throw ProblemException.leaseLost(
                    "A runner of this key held this task before; it is no longer this key's runner's.");
            case RunnerCredentials.JobHolder.Never ignored -> throw ProblemException.notFound("Task");
        };
    }

    /** The runner this key registered, when the call names it. */
    private Optional<AuthenticatedRunner> runnerOfKey(Person person, Optional<UUID> named, boolean recordSignOfLife) {
        return named
                .flatMap(id -> credentials.authenticateForKey(person.apiKeyId(), person.tenant(), id, recordSignOfLife));
    }

    /** The call is this runner's from here on, within its rate. */
    private void admitAs(AuthenticatedRunner runner) {
        agentCalls.admit(runner.id());
        caller = new RunnerCaller(runner);
    }

    /** The runner a call names: the path, the X-Runner-Id header, runnerId / runner_id in the query or the body. */
    private Optional<UUID> namedRunner(String runnerInPath) {
        String named = runnerInPath;
        if (named == null) {
            named = request.getHeader("X-Runner-Id");
        }
        if (named == null) {
            named = request.getParam("runnerId") != null ? request.getParam("runnerId") : request.getParam("runner_id");
        }
        if (named == null && routing.body() != null && routing.body().length() > 0) {
            try {
                JsonNode body = json.readTree(routing.body().buffer().getBytes());
                JsonNode id = body.has("runnerId") ? body.get("runnerId") : body.get("runner_id");
                named = id != null && id.isTextual() ? id.asText() : null;
            } catch (java.io.IOException e) {
                named = null;
            }
        }
        try {
            return named == null ? Optional.empty() : Optional.of(UUID.fromString(named.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A runner token given some other way (the install script takes it in the query). */
    void admitRunnerWithToken(String token) {
        admit(token, true);
    }

    private void admit(String token, boolean recordSignOfLife) {
        if (token == null || token.isBlank()) {
            refuseScopelessJwt();
            throw ProblemException.unauthorized("The runner's token is required in the query (?token=rn_...).");
        }
        String trimmed = token.trim();
        if (!RunnerTokens.looksLikeToken(trimmed)) {
            throw ProblemException.unauthorized("Invalid runner token.");
        }
        byte[] hash = RunnerTokens.hash(trimmed);
        AuthenticatedRunner runner = credentials.authenticate(hash, recordSignOfLife)
                .orElseThrow(() -> ProblemException.unauthorized("Invalid runner token."));
        admitAs(runner);
    }

    /** Routes shared by people and the runner itself: the credential sent decides which. */
    void admitPersonOrRunner(String runnerInPath, String... scopes) {
        if (runnerToken() != null) {
            admitRunner(true, null, null);
            return;
        }
        String apiKey = apiKey();
        if (apiKey != null && runnerInPath != null) {
            // the key that registered this runner acts as it; any other key acts as a person
            Optional<Person> key = apiKeys.authenticate(apiKey);
            Optional<AuthenticatedRunner> runner = key.flatMap(person -> runnerOfKey(person, namedRunner(runnerInPath), true));
            if (runner.isPresent()) {
                admitAs(runner.get());
                return;
            }
            if (key.isPresent() && key.get().has(Scopes.RUNNERS_REGISTER)
                    && java.util.Arrays.stream(scopes).noneMatch(key.get()::has)) {
                // a key that may only act as its own runners: any other runner is not found for it
                throw ProblemException.notFound("Runner");
            }
        }
        admitPerson(scopes);
    }

    private String bearerToken() {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length()).trim();
    }

    /** An API key as the bearer token, or else as {@code x-api-key}; null when the call sends none. */
    private String apiKey() {
        String bearer = bearerToken();
        return ApiKeyCredentials.looksLikeKey(bearer) ? bearer
                : bearer == null || RunnerTokens.looksLikeToken(bearer) ? headerKey() : null;
    }

    /** An API key sent as {@code x-api-key} (that header may carry a runner token instead). */
    private String headerKey() {
        String key = request.getHeader("x-api-key");
        return ApiKeyCredentials.looksLikeKey(key == null ? null : key.trim()) ? key.trim() : null;
    }

    private String runnerToken() {
        String token = request.getHeader("X-Runner-Token");
        if (token == null && headerKey() == null) {
            token = request.getHeader("x-api-key");
        }
        if (token == null) {
            String bearer = bearerToken();
            token = RunnerTokens.looksLikeToken(bearer) ? bearer : null;
        }
        return token == null ? null : token.trim();
    }

    /** A runner may act on its own record only; any other id is not found for it. */
    public static void requireOwn(AuthenticatedRunner runner, UUID id) {
        if (!runner.id().equals(id)) {
            throw ProblemException.notFound("Runner");
        }
    }
}
