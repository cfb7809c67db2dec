package dev.paddock.webhook;

import dev.paddock.common.TextLength;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a webhook may send: an {@code http://} or {@code https://} URL of at most 2,048
 * characters, without credentials, whose host resolves to no loopback, link-local, private,
 * unique-local (or otherwise non-public) address, unless private networks are allowed. Checked when
 * a webhook is saved and again, after resolution, before each attempt; the attempt then connects to
 * the address checked, so a name that resolves elsewhere the second time (DNS rebinding) gains
 * nothing.
 */
public final class UrlGuard {

    public static final int MAX_LENGTH = 2048;

    /** Resolves a host name to its addresses; the system's resolver outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL refused, and why (a sentence naming no address the caller did not give). */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Where to connect: the URL's parts, and the checked address. */
    public record Target(boolean https, String host, int port, String pathAndQuery, InetAddress address) {
    }

    private UrlGuard() {
    }

    /** The URL's form alone: scheme, length, host, no credentials. */
    public static URI parse(String url) throws Refused {
        if (TextLength.of(url) > MAX_LENGTH) {
            throw new Refused("must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new Refused("must be an absolute http:// or https:// URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.isOpaque()) {
            throw new Refused("must be an absolute http:// or https:// URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("must not hold credentials (user:password@)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("must name a host");
        }
        return uri;
    }

    /**
     * When a webhook is saved: the URL's form, and every address its host resolves to now. A host
     * that does not resolve is accepted (nothing is known of where it leads); each attempt checks again.
     */
    public static void checkSaved(String url, boolean allowPrivate, Resolver resolver) throws Refused {
        URI uri = parse(url);
        if (allowPrivate) {
            return;
        }
        try {
            refusePrivate(resolver.resolve(bare(uri.getHost())));
        } catch (UnknownHostException unresolved) {
            // not refused: it may resolve later, and each attempt is checked then
        }
    }

    /** Before an attempt: the URL resolved and checked; the target names the address to connect to. */
    public static Target target(String url, boolean allowPrivate, Resolver resolver) throws Refused {
        URI uri = parse(url);
        String host = bare(uri.getHost());
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("the host does not resolve");
        }
        if (addresses.length == 0) {
            throw new Refused("the host does not resolve");
        }
        if (!allowPrivate) {
            refusePrivate(addresses);
        }
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(https, host, port, pathAndQuery, addresses[0]);
    }

    private static void refusePrivate(InetAddress[] addresses) throws Refused {
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                throw new Refused("must not lead into a private network (its host resolves to a loopback, "
                        + "link-local, private or unique-local address)");
            }
        }
    }

    /** Whether an address is on the public internet: none of the ranges a webhook must not reach. */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first != 0 // "this network"
                    && !(first == 100 && second >= 64 && second < 128) // shared address space (CGNAT)
                    && !(first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // IETF protocol assignments
                    && first < 240; // reserved, and the broadcast address
        }
        if (address instanceof Inet6Address) {
            if ((bytes[0] & 0xfe) == 0xfc) {
                return false; // unique-local fc00::/7
            }
            InetAddress embedded = embeddedIpv4(bytes);
            return embedded == null || isPublic(embedded);
        }
        return false;
    }

    /** The IPv4 address inside an IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
    private static InetAddress embeddedIpv4(byte[] bytes) {
        byte[] head = Arrays.copyOf(bytes, 12);
        boolean compatible = Arrays.equals(head, new byte[12]);
        boolean nat64 = Arrays.equals(head, new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0});
        if (!compatible && !nat64) {
            return null;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 literal's host without its brackets. */
    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The system's resolver. */
    public static final Resolver SYSTEM = InetAddress::getAllByName;
}
