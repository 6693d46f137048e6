package dev.multifetch.autoconfigure;

/**
 * Thrown at startup when {@code multifetch.ssl.bundle} names an SSL bundle that is not defined,
 * or one the engine cannot use (see {@link SslBundleTlsConfig#of}).
 */
public final class InvalidSslBundleException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final String bundleName;

    private final boolean undefined;

    InvalidSslBundleException(String property, String bundleName, boolean undefined, String message,
            Throwable cause) {
        super(message, cause);
        this.property = property;
        this.bundleName = bundleName;
        this.undefined = undefined;
    }

    /** The property that names the bundle, such as {@code multifetch.ssl.bundle}. */
    public String property() {
        return this.property;
    }

    /** The bundle's name, as the property gives it. */
    public String bundleName() {
        return this.bundleName;
    }

    /** Whether no bundle of that name is defined (rather than one the engine cannot use). */
    public boolean isUndefined() {
        return this.undefined;
    }
}
