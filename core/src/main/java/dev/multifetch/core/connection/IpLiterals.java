package dev.multifetch.core.connection;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP literals recognised without a lookup: connect targets, and names that get no SNI. */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** The address of an IP literal, found without any lookup; null for a name. */
    public static InetAddress address(String host) {
        try {
            if (host.indexOf(':') >= 0) {
                // only text an IPv6 literal can be: anything else would make getByName look the name up
                int scope = host.indexOf('%');
                boolean literal = (scope < 0 ? host : host.substring(0, scope)).chars()
                        .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
                return literal ? InetAddress.getByName(host) : null;
            }
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return InetAddress.getByAddress(host, bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
