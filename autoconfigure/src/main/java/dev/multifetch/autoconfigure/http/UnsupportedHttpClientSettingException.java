package dev.multifetch.autoconfigure.http;

/**
 * Thrown when Spring's HTTP client settings ask for something the multifetch engine cannot do
 * yet, such as an SSL bundle that restricts cipher suites, rather than quietly ignoring it.
 */
public final class UnsupportedHttpClientSettingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String setting;

    UnsupportedHttpClientSettingException(String setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** The setting refused, by its {@code spring.http.clients.*} property name. */
    public String setting() {
        return this.setting;
    }
}
