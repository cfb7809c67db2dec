package dev.paddock.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartupBannerTest {

    @Test
    void namesTheServiceAndSwaggerUiAndInDevHowToMintAToken() {
        assertThat(StartupBanner.line("0.0.0.0", 8080, false))
                .isEqualTo("Paddock is serving http://localhost:8080 (Swagger UI: http://localhost:8080/q/swagger-ui)");
        assertThat(StartupBanner.line("10.0.0.5", 9000, true))
                .startsWith("Paddock is serving http://10.0.0.5:9000 (Swagger UI: http://10.0.0.5:9000/q/swagger-ui)")
                .contains("curl -XPOST http://10.0.0.5:9000/dev/token");
    }
}
