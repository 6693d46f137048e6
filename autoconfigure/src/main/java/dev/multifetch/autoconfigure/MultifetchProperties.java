package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.MultiOptions;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of the auto-configured {@link FetchEngine}, bound from {@code multifetch.*}. The rules
 * for each value live in core ({@link MultiOptions.Builder}, {@link FetchEngine.Builder}); this
 * class only maps properties onto them, and validates itself with those same rules while it is
 * bound, so a bad value fails startup with an error that names the property.
 */
@ConfigurationProperties("multifetch")
public class MultifetchProperties implements Validator {

    /**
     * Most connections open at once to one host (scheme, host and port), 0 for no cap. Transfers
     * beyond it wait for a free connection.
     */
    private int maxHostConnections = 8;

    /** Most connections open at once in total, 0 for no cap. Transfers beyond it wait. */
    private int maxTotalConnections = 0;

    /** Most idle connections kept for reuse; the oldest idle one is closed beyond it. */
    private int maxConnects = 64;

    /** Connect timeout (name lookup and TCP connect) of requests that set none. */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /**
     * Timeout for a whole transfer, time spent waiting for a connection included, of requests
     * that set none. Unset for no timeout.
     */
    private Duration timeout;

    /** Largest response body accepted; a larger one fails the transfer. */
    private DataSize maxBodySize = DataSize.ofMegabytes(64);

    /** User-Agent header sent with requests that set none. */
    private String userAgent = "multifetch/0.1";

    /** Most threads resolving host names at once. */
    private int resolverThreads = 4;

    /** How long closing the engine waits for running transfers before it aborts them. */
    private Duration shutdownGrace = Duration.ofSeconds(5);

    public int getMaxHostConnections() {
        return this.maxHostConnections;
    }

    public void setMaxHostConnections(int maxHostConnections) {
        this.maxHostConnections = maxHostConnections;
    }

    public int getMaxTotalConnections() {
        return this.maxTotalConnections;
    }

    public void setMaxTotalConnections(int maxTotalConnections) {
        this.maxTotalConnections = maxTotalConnections;
    }

    public int getMaxConnects() {
        return this.maxConnects;
    }

    public void setMaxConnects(int maxConnects) {
        this.maxConnects = maxConnects;
    }

    public Duration getConnectTimeout() {
        return this.connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getTimeout() {
        return this.timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public DataSize getMaxBodySize() {
        return this.maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public String getUserAgent() {
        return this.userAgent;
    }

    public void setUserAgent(String userAgent) {
        this.userAgent = userAgent;
    }

    public int getResolverThreads() {
        return this.resolverThreads;
    }

    public void setResolverThreads(int resolverThreads) {
        this.resolverThreads = resolverThreads;
    }

    public Duration getShutdownGrace() {
        return this.shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    /** The multi handle options these properties describe. */
    MultiOptions toOptions() {
        MultiOptions.Builder builder = MultiOptions.builder();
        optionSettings().forEach((setting) -> setting.setter().accept(builder));
        return builder.build();
    }

    /** Applies the engine-level settings (everything that is not a multi handle option). */
    void applyTo(FetchEngine.Builder builder) {
        builder.options(toOptions()).shutdownGrace(this.shutdownGrace);
    }

    @Override
    public boolean supports(Class<?> type) {
        return MultifetchProperties.class.isAssignableFrom(type);
    }

    /** Tries each value on its own against core's rules and rejects the field core refuses. */
    @Override
    public void validate(Object target, Errors errors) {
        for (Setting<MultiOptions.Builder> setting : optionSettings()) {
            check(setting, MultiOptions.builder(), errors);
        }
        check(new Setting<>("shutdownGrace", (b) -> b.shutdownGrace(this.shutdownGrace)), FetchEngine.builder(),
                errors);
    }

    private List<Setting<MultiOptions.Builder>> optionSettings() {
        return List.of(
                new Setting<>("maxHostConnections", (b) -> b.maxHostConnections(this.maxHostConnections)),
                new Setting<>("maxTotalConnections", (b) -> b.maxTotalConnections(this.maxTotalConnections)),
                new Setting<>("maxConnects", (b) -> b.maxConnects(this.maxConnects)),
                new Setting<>("connectTimeout", (b) -> b.connectTimeout(this.connectTimeout)),
                new Setting<>("timeout", (b) -> b.timeout(this.timeout)),
                new Setting<>("maxBodySize", (b) -> b.maxBodySize(this.maxBodySize.toBytes())),
                new Setting<>("userAgent", (b) -> b.userAgent(this.userAgent)),
                new Setting<>("resolverThreads", (b) -> b.resolverThreads(this.resolverThreads)));
    }

    private static <B> void check(Setting<B> setting, B builder, Errors errors) {
        try {
            setting.setter().accept(builder);
        }
        catch (IllegalArgumentException ex) {
            errors.rejectValue(setting.field(), "invalid", ex.getMessage());
        }
        catch (NullPointerException ex) {
            // core's builders refuse null with Objects.requireNonNull; a blank property value binds to null
            errors.rejectValue(setting.field(), "required", "must be set");
        }
    }

    /**
     * One property, by its field name, and how it is applied to a core builder. Boot reports a
     * rejected field with its origin, such as {@code "multifetch.max-host-connections" from
     * property source "applicationConfig: [classpath:/application.properties]"}.
     */
    private record Setting<B>(String field, Consumer<B> setter) {
    }
}
