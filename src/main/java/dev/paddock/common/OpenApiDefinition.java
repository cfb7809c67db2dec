package dev.paddock.common;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/** The ways to call Paddock, as the OpenAPI document states them. */
@OpenAPIDefinition(info = @Info(title = "Paddock API", version = "1.0.0",
        description = "Control plane for self-hosted runners. People call with a JWT or an API key; runner agents with their runner token "
                + "(X-Runner-Token, Authorization: Bearer rn_… or x-api-key). Errors are RFC 9457 problem+json."))
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
                description = "A person's JWT (RS256/ES256). Scopes in `scope` or `scp`: runners:read, runners:manage, runners:register, "
                        + "jobs:read, jobs:manage, webhooks:manage, api-keys:manage. "
                        + "An API key pk_… (POST /api/api-keys) is accepted wherever a JWT is, as Authorization: Bearer pk_… or x-api-key: pk_…, with its own scopes."),
        @SecurityScheme(securitySchemeName = "runnerToken", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
                apiKeyName = "X-Runner-Token", description = "A runner token rn_… (also accepted as Authorization: Bearer rn_… or x-api-key)."),
        @SecurityScheme(securitySchemeName = "runnerTokenInQuery", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.QUERY,
                apiKeyName = "token", description = "A runner token rn_… in the query: the install script only, fetched by curl."),
        @SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER,
                apiKeyName = "x-api-key", description = "An API key pk_… (also accepted as Authorization: Bearer pk_…): wherever a JWT is, "
                        + "and on an agent's calls as a runner that the key registered (ai-review's model).")
})
public class OpenApiDefinition extends Application {
}
