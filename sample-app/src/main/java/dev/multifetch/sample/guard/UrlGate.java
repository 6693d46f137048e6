package dev.multifetch.sample.guard;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a URL before anything is fetched: only absolute http and https URLs of at most the
 * configured length, plain ASCII with no spaces, controls or backslashes; a host that is a name,
 * a canonical IPv4 literal or a bracketed IPv6 literal (no zone, no percent-encoding); no
 * userinfo; a port in 1-65535 and in the allowed set; no names of cloud metadata services, and
 * no names of the local machine ({@code localhost}, {@code *.localhost}, {@code localhost.localdomain},
 * {@code ip6-localhost}, {@code ip6-loopback}) unless private networks are allowed, when they are
 * looked up and judged at connect time like any other name. An IP literal is also judged by the {@link SsrfGuard} here, so it is refused
 * with a 400 rather than at connect time. Thread-safe.
 */
public final class UrlGate {

    /** Names that mean the local machine. */
    private static final Set<String> LOCAL_NAMES = Set.of("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");

    /** Names of cloud metadata services, denied before any lookup. */
    private static final Set<String> METADATA_NAMES = Set.of("metadata", "metadata.google.internal", "instance-data",
            "instance-data.ec2.internal", "metadata.azure.internal");

    /** Why a URL was refused: the rule it broke and a message naming the offending part. */
    public record Rejection(String rule, String message) {
    }

    private final SsrfGuard guard;
    private final int maxLength;
    private final Set<Integer> allowedPorts;

    /** A gate using {@code guard} for IP literals and host lists; {@code allowedPorts} empty for any port. */
    public UrlGate(SsrfGuard guard, int maxLength, Set<Integer> allowedPorts) {
        this.guard = guard;
        this.maxLength = maxLength;
        this.allowedPorts = new TreeSet<>(allowedPorts);
    }

    /** Why {@code url} may not be fetched, or empty when it may be tried. */
    public Optional<Rejection> check(String url) {
        if (url == null || url.isBlank()) {
            return reject("required", "is required");
        }
        if (url.length() > this.maxLength) {
            return reject("max-length", "is " + url.length() + " characters long, more than the limit of " + this.maxLength);
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return reject("characters", "contains " + describe(c) + " at index " + i
                        + "; percent-encode it (spaces, controls, backslashes and non-ASCII are refused)");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException ex) {
            return reject("syntax", "is not a valid URL: " + ex.getReason() + " at index " + ex.getIndex());
        }
        return checkScheme(uri).or(() -> checkAuthority(uri));
    }

    private Optional<Rejection> checkScheme(URI uri) {
        String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : null;
        if (scheme == null) {
            return reject("scheme", "must be absolute, starting with http:// or https://");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return reject("scheme", "has scheme \"" + uri.getScheme() + "\"; only http and https are allowed");
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            return reject("host", "has no host; write it as " + scheme + "://host/path");
        }
        return Optional.empty();
    }

    private Optional<Rejection> checkAuthority(URI uri) {
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().indexOf('@') >= 0) {
            return reject("userinfo", "carries user information (user:password@); credentials in URLs are refused");
        }
        String rawHost = uri.getHost();
        String authorityHost = uri.getRawAuthority().replaceFirst(":\\d*$", "");
        if ((rawHost == null || rawHost.isEmpty()) && authorityHost.indexOf('%') < 0 && IpLiterals.looksLikeIpv4(authorityHost)) {
            // java.net.URI leaves such hosts unparsed; name the problem rather than "no valid host"
            return nonCanonicalIpv4(authorityHost);
        }
        if (rawHost == null || rawHost.isEmpty()) {
            return reject("host", "has no valid host in \"" + uri.getRawAuthority()
                    + "\": use a host name, an IPv4 address such as 192.0.2.1 or a bracketed IPv6 address");
        }
        if (rawHost.indexOf('%') >= 0) {
            return reject("host", "has a percent sign in its host \"" + rawHost + "\" (percent-encoding or an IPv6 zone)");
        }
        int port = uri.getPort();
        if (port != -1 && (port < 1 || port > 65535)) {
            return reject("port", "has port " + port + ", outside 1-65535");
        }
        int effectivePort = (port != -1) ? port : (uri.getScheme().equalsIgnoreCase("https") ? 443 : 80);
        if (!this.allowedPorts.isEmpty() && !this.allowedPorts.contains(effectivePort)) {
            return reject("port", "uses port " + effectivePort + "; allowed ports are " + this.allowedPorts);
        }
        return checkHost(normalizeHost(rawHost), rawHost.startsWith("["), effectivePort);
    }

    private Optional<Rejection> checkHost(String host, boolean ipv6, int port) {
        Optional<InetAddress> literal;
        if (ipv6) {
            literal = IpLiterals.ipv6(host);
            if (literal.isEmpty()) {
                return reject("host", "has an invalid IPv6 literal [" + host + "]");
            }
        } else if (IpLiterals.looksLikeIpv4(host)) {
            literal = IpLiterals.canonicalIpv4(host);
            if (literal.isEmpty()) {
                return nonCanonicalIpv4(host);
            }
        } else {
            literal = Optional.empty();
        }
        if (literal.isPresent()) {
            return this.guard.denial(host, literal.get(), port).flatMap((why) -> reject("denied-address", why));
        }
        if (METADATA_NAMES.contains(host)) {
            return reject("denied-host", "names a cloud metadata service (" + host + ")");
        }
        if (!this.guard.allowsPrivateNetworks() && (LOCAL_NAMES.contains(host) || host.endsWith(".localhost"))) {
            return reject("denied-host", "names the local machine (" + host + "); loopback is allowed only with"
                    + " multifetch.sample.allow-private-networks=true (the local profile)");
        }
        return this.guard.hostDenial(host).flatMap((why) -> reject("denied-host", why));
    }

    private static Optional<Rejection> nonCanonicalIpv4(String host) {
        return reject("ipv4-literal", "has host \"" + host + "\", an IPv4 address in a non-canonical form (octal, hex,"
                + " leading zeros, fewer than four parts or one number); write four decimal octets such as 192.0.2.1");
    }

    /** A host as compared everywhere: lower case, without brackets or one trailing dot. */
    static String normalizeHost(String host) {
        String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        return (lower.endsWith(".") && lower.length() > 1) ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (c == '\\') {
            return "a backslash";
        }
        return String.format("the character U+%04X", (int) c);
    }

    private static Optional<Rejection> reject(String rule, String message) {
        return Optional.of(new Rejection(rule, message));
    }
}
