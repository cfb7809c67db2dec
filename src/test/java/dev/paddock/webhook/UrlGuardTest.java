package dev.paddock.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where webhooks may send: refused by validation alone, nothing is ever sent here. */
class UrlGuardTest {

    private static final UrlGuard.Resolver LITERALS = InetAddress::getAllByName;

    @Test
    void loopbackLinkLocalPrivateAndUniqueLocalAddressesAreRefused() {
        for (String url : List.of("http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://[::1]/", "http://0.0.0.0/",
                "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/",
                "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://[fd12:3456::1]/",
                "http://[fc00::1]/", "http://100.64.0.1/", "http://[::ffff:10.0.0.1]/", "http://[64:ff9b::7f00:1]/",
                "http://224.0.0.1/", "http://255.255.255.255/", "https://[::]/")) {
            assertThatThrownBy(() -> UrlGuard.checkSaved(url, false, LITERALS)).as(url)
                    .isInstanceOf(UrlGuard.Refused.class).hasMessageContaining("private network");
        }
    }

    @Test
    void aHostNameThatResolvesToLoopbackIsRefused() {
        // localhost resolves through the hosts file, without DNS traffic
        assertThatThrownBy(() -> UrlGuard.checkSaved("https://localhost:8443/hook", false, UrlGuard.SYSTEM))
                .isInstanceOf(UrlGuard.Refused.class);
        assertThatThrownBy(() -> UrlGuard.checkSaved("https://hooks.example.com/", false,
                host -> new InetAddress[] {InetAddress.getByName("93.184.215.14"), InetAddress.getByName("127.0.0.1")}))
                .as("one private address among public ones").isInstanceOf(UrlGuard.Refused.class);
    }

    @Test
    void publicAddressesAndUnresolvedHostsAreAcceptedWhenSaved() {
        assertThatCode(() -> UrlGuard.checkSaved("https://93.184.215.14/hook", false, LITERALS)).doesNotThrowAnyException();
        assertThatCode(() -> UrlGuard.checkSaved("http://[2606:2800:220:1::]/", false, LITERALS)).doesNotThrowAnyException();
        assertThatCode(() -> UrlGuard.checkSaved("https://hooks.example.com/", false, host -> {
            throw new UnknownHostException(host);
        })).doesNotThrowAnyException();
        assertThatCode(() -> UrlGuard.checkSaved("http://127.0.0.1/", true, LITERALS)).as("allowed")
                .doesNotThrowAnyException();
    }

    @Test
    void theFormIsCheckedWhateverTheNetwork() {
        for (String url : List.of("ftp://example.com/", "file:///etc/passwd", "https://user:pw@example.com/",
                "gopher://example.com", "//example.com/x", "https:///x", "https://example.com/" + "a".repeat(2048))) {
            assertThatThrownBy(() -> UrlGuard.checkSaved(url, true, LITERALS)).as(url).isInstanceOf(UrlGuard.Refused.class);
        }
    }

    /** A name that resolved to a public address when saved and to loopback at delivery (DNS rebinding). */
    @Test
    void eachAttemptResolvesAgainAndConnectsOnlyToTheAddressItChecked() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        UrlGuard.Resolver rebinding = host -> new InetAddress[] {InetAddress.getByName(
                lookups.incrementAndGet() == 1 ? "93.184.215.14" : "127.0.0.1")};
        UrlGuard.checkSaved("https://rebind.example.com/hook", false, rebinding);
        assertThatThrownBy(() -> UrlGuard.target("https://rebind.example.com/hook", false, rebinding))
                .isInstanceOf(UrlGuard.Refused.class);

        UrlGuard.Target target = UrlGuard.target("https://hooks.example.com/a/b?c=d", false,
                host -> new InetAddress[] {InetAddress.getByName("93.184.215.14")});
        assertThat(target.address().getHostAddress()).isEqualTo("93.184.215.14");
        assertThat(target.host()).isEqualTo("hooks.example.com");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.pathAndQuery()).isEqualTo("/a/b?c=d");
        assertThatThrownBy(() -> UrlGuard.target("https://gone.example.com/", false, host -> {
            throw new UnknownHostException(host);
        })).isInstanceOf(UrlGuard.Refused.class).hasMessageContaining("does not resolve");
    }
}
