package dev.multifetch.sample.web;

/** A batch being run: here ({@link BatchRun}), or on Kafka ({@link DistributedBatchRun}). */
interface Batch {

    /** Starts it; a failure to start is thrown. */
    void start();

    /** Stops it; results still coming are not reported. */
    void cancel();
}
