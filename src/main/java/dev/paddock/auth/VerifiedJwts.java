package dev.paddock.auth;

import dev.paddock.common.PaddockConfig;
import dev.paddock.common.TextLength;
import dev.paddock.problem.ProblemException;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * People's JWTs, verified by smallrye-jwt (signature, issuer, expiry) and read into a
 * {@link Person}. A client sends the same token on every call until it expires, and verifying
 * its RSA signature again each time was most of an enqueue's authentication cost, so a verified
 * token is remembered for at most {@value #REMEMBER_SECONDS} s and never past its own expiry. A
 * verification key removed from the JWKS is therefore honoured for up to that long afterwards
 * for the tokens it already verified (README, Security).
 */
@ApplicationScoped
public class VerifiedJwts {

    static final long REMEMBER_SECONDS = 60;
    private static final int MAX_REMEMBERED = 10_000;

    private record Verified(Person person, long untilNanos) {
    }

    @Inject
    JWTParser parser;

    @Inject
    PaddockConfig config;

    /** The schema's width of a tenant and of a person's name (VARCHAR(200)). */
    static final int MAX_NAME_LENGTH = 200;

    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();

    /** The person this JWT proves; 401 when it is invalid, expired or names no tenant. */
    Person verify(String jwt) {
        long now = System.nanoTime();
        Verified known = remembered.get(jwt);
        if (known != null && now - known.untilNanos() < 0) {
            return known.person();
        }
        JsonWebToken token;
        try {
            token = parser.parse(jwt);
        } catch (ParseException | RuntimeException e) {
            remembered.remove(jwt);
            throw ProblemException.unauthorized("The bearer token is invalid or expired.");
        }
        Person person = person(token);
        long secondsLeft = token.getExpirationTime() - System.currentTimeMillis() / 1000;
        long remember = Math.min(REMEMBER_SECONDS, secondsLeft);
        if (remember > 0) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(jwt, new Verified(person, now + TimeUnit.SECONDS.toNanos(remember)));
        }
        return person;
    }

    private Person person(JsonWebToken token) {
        String subject = token.getSubject();
        Object tenantClaim = token.getClaim(config.auth().tenantClaim());
        String tenant = tenantClaim == null ? null : claimText(tenantClaim);
        if (tenant == null || tenant.isBlank()) {
            tenant = subject;
        }
        if (tenant == null || tenant.isBlank()) {
            throw ProblemException.unauthorized("The token names no tenant and no subject.");
        }
        // every record keeps its tenant and its author in at most this many characters
        if (TextLength.of(tenant) > MAX_NAME_LENGTH || subject != null && TextLength.of(subject) > MAX_NAME_LENGTH) {
            throw ProblemException.unauthorized("The token's tenant and subject must be at most "
                    + MAX_NAME_LENGTH + " characters.");
        }
        long expiration = token.getExpirationTime();
        return new Person(subject == null ? tenant : subject, tenant, Scopes.expand(scopes(token)), null,
                expiration > 0 ? java.time.Instant.ofEpochSecond(expiration) : null);
    }

    private static List<String> scopes(JsonWebToken token) {
        List<String> scopes = new ArrayList<>();
        addScopes(scopes, token.getClaim("scope"));
        addScopes(scopes, token.getClaim("scp"));
        return scopes;
    }

    private static void addScopes(List<String> into, Object claim) {
        if (claim == null) {
            return;
        }
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> addScopes(into, value));
            return;
        }
        if (claim instanceof jakarta.json.JsonArray array) {
            array.forEach(value -> addScopes(into, value));
            return;
        }
        for (String part : claimText(claim).trim().split("\\s+")) {
            if (!part.isEmpty()) {
                into.add(part);
            }
        }
    }

    private static String claimText(Object claim) {
        if (claim instanceof jakarta.json.JsonString string) {
            return string.getString();
        }
        return claim.toString();
    }
}
