package dev.multifetch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.multifetch.core.RetryPolicy;

import org.springframework.validation.Errors;

/**
 * When a failed attempt is tried again, bound from {@code multifetch.retry.*} as a part of
 * {@link MultifetchProperties} and mapped onto core's {@link RetryPolicy}, curl's {@code --retry}
 * rules first. {@code max-retries} is 0 by default: nothing is retried unless asked, engine-wide
 * here or per request ({@code FetchRequest.Builder.retries(n)}, which keeps the rest of this policy).
 */
public class MultifetchRetryProperties {

    /**
     * Retries after the first attempt of every request that sets none, 0 to 100; 0 retries
     * nothing. curl's --retry.
     */
    private int maxRetries = 0;

    /** Response statuses that are retried; curl's transient set by default. */
    private Set<Integer> statuses = new TreeSet<>(RetryPolicy.TRANSIENT_STATUSES);

    /** Whether a refused connection is retried too. curl's --retry-connrefused. */
    private boolean retryConnRefused = false;

    /** Whether every error is retried, not only the transient ones. curl's --retry-all-errors. */
    private boolean retryAllErrors = false;

    /**
     * Whether POST and PATCH are repeated even after a byte of them was written; a request that
     * carries Idempotency-Key is repeated whatever this says.
     */
    private boolean retryNonIdempotent = false;

    /** The first backoff; each retry doubles it up to max-delay. */
    private Duration baseDelay = Duration.ofSeconds(1);

    /** The longest backoff. */
    private Duration maxDelay = Duration.ofMinutes(10);

    /**
     * The longest Retry-After waited for before a retry; a server asking for longer gets no retry,
     * and the transfer ends with its answer, saying why.
     */
    private Duration maxRetryAfter = Duration.ofMinutes(5);

    /**
     * The longest time from a transfer's first attempt within which a retry may start; unset for
     * no limit. curl's --retry-max-time.
     */
    private Duration maxRetryTime;

    /**
     * The share of recent requests (per host and engine-wide) that may be retries, 0 to 1: a
     * failing host cannot multiply the load. Retries beyond it are refused, and the transfer ends
     * with its last answer or error.
     */
    private double budgetRatio = 0.2;

    /** Retries a second always allowed per host, whatever budget-ratio says. */
    private int budgetFloor = 10;

    /**
     * Whether each backoff is drawn at random up to its cap (full jitter), so that clients that
     * failed together do not retry together.
     */
    private boolean jitter = true;

    public int getMaxRetries() {
        return this.maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public Set<Integer> getStatuses() {
        return this.statuses;
    }

    public void setStatuses(Set<Integer> statuses) {
        this.statuses = statuses;
    }

    public boolean isRetryConnRefused() {
        return this.retryConnRefused;
    }

    public void setRetryConnRefused(boolean retryConnRefused) {
        this.retryConnRefused = retryConnRefused;
    }

    public boolean isRetryAllErrors() {
        return this.retryAllErrors;
    }

    public void setRetryAllErrors(boolean retryAllErrors) {
        this.retryAllErrors = retryAllErrors;
    }

    public boolean isRetryNonIdempotent() {
        return this.retryNonIdempotent;
    }

    public void setRetryNonIdempotent(boolean retryNonIdempotent) {
        this.retryNonIdempotent = retryNonIdempotent;
    }

    public Duration getBaseDelay() {
        return this.baseDelay;
    }

    public void setBaseDelay(Duration baseDelay) {
        this.baseDelay = baseDelay;
    }

    public Duration getMaxDelay() {
        return this.maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    public Duration getMaxRetryAfter() {
        return this.maxRetryAfter;
    }

    public void setMaxRetryAfter(Duration maxRetryAfter) {
        this.maxRetryAfter = maxRetryAfter;
    }

    public Duration getMaxRetryTime() {
        return this.maxRetryTime;
    }

    public void setMaxRetryTime(Duration maxRetryTime) {
        this.maxRetryTime = maxRetryTime;
    }

    public double getBudgetRatio() {
        return this.budgetRatio;
    }

    public void setBudgetRatio(double budgetRatio) {
        this.budgetRatio = budgetRatio;
    }

    public int getBudgetFloor() {
        return this.budgetFloor;
    }

    public void setBudgetFloor(int budgetFloor) {
        this.budgetFloor = budgetFloor;
    }

    public boolean isJitter() {
        return this.jitter;
    }

    public void setJitter(boolean jitter) {
        this.jitter = jitter;
    }

    /**
     * Core's retry policy these properties describe.
     *
     * @throws IllegalArgumentException for a value {@link #validate} rejects
     */
    RetryPolicy toPolicy() {
        RetryPolicy.Builder policy = RetryPolicy.builder();
        settings().forEach((setting) -> setting.setter().accept(policy));
        return policy.budget(this.budgetRatio, this.budgetFloor).build();
    }

    /**
     * Rejects each value core refuses, the fields named from {@code multifetch}, and a base-delay
     * longer than max-delay.
     */
    void validate(Errors errors) {
        settings().forEach((setting) -> setting.check(RetryPolicy.builder(), errors));
        PropertyReasons.check(errors, "retry.budgetRatio", () -> RetryPolicy.builder().budget(this.budgetRatio, 0));
        PropertyReasons.check(errors, "retry.budgetFloor", () -> RetryPolicy.builder().budget(0, this.budgetFloor));
        if (isPositive(this.baseDelay) && isPositive(this.maxDelay) && this.baseDelay.compareTo(this.maxDelay) > 0) {
            errors.rejectValue("retry.baseDelay", "invalid", "must not be longer than multifetch.retry.max-delay");
        }
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    /** Each property that is one setter of core's builder; the budget takes two and is set apart. */
    private List<PropertySetting<RetryPolicy.Builder>> settings() {
        return List.of(
                new PropertySetting<>("retry.maxRetries", (b) -> b.maxRetries(this.maxRetries)),
                new PropertySetting<>("retry.statuses", (b) -> b.statuses(this.statuses)),
                new PropertySetting<>("retry.retryConnRefused", (b) -> b.retryConnRefused(this.retryConnRefused)),
                new PropertySetting<>("retry.retryAllErrors", (b) -> b.retryAllErrors(this.retryAllErrors)),
                new PropertySetting<>("retry.retryNonIdempotent", (b) -> b.retryNonIdempotent(this.retryNonIdempotent)),
                new PropertySetting<>("retry.baseDelay", (b) -> b.baseDelay(this.baseDelay)),
                new PropertySetting<>("retry.maxDelay", (b) -> b.maxDelay(this.maxDelay)),
                new PropertySetting<>("retry.maxRetryAfter", (b) -> b.maxRetryAfter(this.maxRetryAfter)),
                new PropertySetting<>("retry.maxRetryTime", (b) -> b.maxRetryTime(this.maxRetryTime)),
                new PropertySetting<>("retry.jitter", (b) -> b.jitter(this.jitter)));
    }
}
