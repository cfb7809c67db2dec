package dev.paddock.auth;

import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.jwt.build.Jwt;
import jakarta.validation.Valid;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/** Dev profile only: mints a JWT with the dev key. Not part of the prod build at all. */
@IfBuildProfile("dev")
@Path("/dev/token")
@PublicAccess
@Tag(name = "Development")
public class DevTokenResource {

    @ConfigProperty(name = "mp.jwt.verify.issuer")
    String issuer;

    public record DevTokenRequest(String sub, String tenant, String scope) {
    }


    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Mint a development JWT", description = "Only in the dev profile.")
    public Map<String, Object> mint(@Valid DevTokenRequest body) {
        DevTokenRequest request = body == null ? new DevTokenRequest(null, null, null) : body;
        String sub = blankTo(request.sub(), "dev-user");
        String tenant = blankTo(request.tenant(), "dev-tenant");
        String scope = blankTo(request.scope(), "runners:manage runners:register jobs:manage");
        Duration lifetime = Duration.ofHours(12);
        String token = Jwt.issuer(issuer)
                .subject(sub)
                .claim("tenant", tenant)
                .claim("scope", scope)
                .groups(new java.util.HashSet<>(Arrays.asList(scope.split(" "))))
                .expiresIn(lifetime)
                .sign();
        return Map.of("token", token, "token_type", "Bearer", "expires_in", lifetime.toSeconds());
    }

    private static String blankTo(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
