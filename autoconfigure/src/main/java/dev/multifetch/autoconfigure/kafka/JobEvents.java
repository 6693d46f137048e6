package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;

/**
 * What the Kafka worker and the batch readers tell about their work, for meters and logs. Called
 * on consumer, producer and completion threads: implementations must be thread-safe and quick.
 */
public interface JobEvents {

    /** Hears nothing. */
    JobEvents NONE = new JobEvents() {
    };

    /** A job was taken {@code queueTime} after it was submitted (clocks of two machines: may be skewed). */
    default void jobStarted(Duration queueTime) {
    }

    /** A job's result was published. */
    default void jobCompleted(JobOutcome.Kind outcome) {
    }

    /**
     * A job went to the dead-letter topic, for {@code reason}: {@code undecodable}, {@code unpublishable}
     * (its result could not be published) or {@code unrunnable} (the handler failed).
     */
    default void deadLettered(String reason) {
    }

    /** Publishing a result or dead letter failed and will be tried again. */
    default void sendRetried() {
    }

    /** The worker's consumer was {@code assigned}, {@code revoked} or {@code lost} some partitions. */
    default void rebalanced(String type, int partitions) {
    }

    /** A reader dropped a result whose job id it had seen. */
    default void duplicateDropped() {
    }
}
