package dev.multifetch.autoconfigure.kafka;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Kafka worker and its topics, bound from {@code multifetch.kafka.*}. The broker itself is
 * Spring Boot's: {@code spring.kafka.bootstrap-servers} and the other {@code spring.kafka.*}
 * client settings apply to the worker's consumer and producer too.
 */
@ConfigurationProperties("multifetch.kafka")
public class MultifetchKafkaProperties {

    /** Whether fetch jobs run on Kafka: a worker consumes the jobs topic and publishes to the results topic. */
    private boolean enabled = false;

    /** Whether this instance consumes jobs; false for a node that only submits jobs and reads results. */
    private boolean workerEnabled = true;

    /** Topic of fetch jobs, keyed by the politeness key (lower-case IDNA host, or its registrable domain). */
    private String jobsTopic = "multifetch.jobs";

    /** Topic of job results, keyed by batch id, so one batch's results share one partition. */
    private String resultsTopic = "multifetch.results";

    /** Topic of jobs that could not be decoded or whose result could not be published, in the job's partition. */
    private String deadLetterTopic = "multifetch.jobs-dlt";

    /** Consumer group of the workers. */
    private String groupId = "multifetch-workers";

    /**
     * Most jobs one worker holds in its engine: above it the listener container is paused (it
     * keeps polling, so the group keeps it), and resumed once the jobs in flight fall to three
     * quarters of it. In flight can exceed it by at most one poll (max-poll-records).
     */
    private int maxInFlightJobs = 256;

    /** Most jobs one poll hands the worker (the consumer's max.poll.records). */
    private int maxPollRecords = 100;

    /** Consumer threads of the worker; each owns some of the jobs topic's partitions. */
    private int concurrency = 1;

    /** Partitions of the jobs topic (and the dead-letter topic) when created: fix it up front, growing it remaps hosts. */
    private int jobsPartitions = 24;

    /** Partitions of the results topic when created. */
    private int resultsPartitions = 12;

    /** Whether the topics are created at startup when missing (Spring's KafkaAdmin). */
    private boolean createTopics = true;

    /**
     * Whether sending jobs and consuming them are Spring Kafka observations, when the application
     * has an ObservationRegistry: with a tracer each job carries the submitting call's trace
     * (traceparent) and the worker's fetches continue it; each result carries its job's trace
     * headers.
     */
    private boolean observationEnabled = true;

    /**
     * How long a worker losing a partition in a rebalance waits for that partition's jobs in
     * flight before cancelling them (their offsets stay uncommitted, so the new owner redoes them).
     */
    private Duration drainTimeout = Duration.ofSeconds(10);

    /**
     * After a revoked partition's last job ended, how long its handoff is held, so the next owner
     * cannot start on those hosts sooner than this after this worker did: set it to the engine's
     * politeness interval.
     */
    private Duration handoffDelay = Duration.ofSeconds(1);

    /** Attempts to publish a result (or a dead letter) before the job goes to the dead-letter topic. */
    private int sendAttempts = 3;

    /** Pause before publishing a result again, doubled on each attempt. */
    private Duration sendBackoff = Duration.ofSeconds(1);

    /** What a job's key (and so its partition) is made of; keep it in step with the engine's politeness key. */
    private KeyBy keyBy = KeyBy.HOST;

    /**
     * How far before a batch's submission time a reader starts looking for its results (the
     * clock difference tolerated between the instance that submitted it and the workers).
     */
    private Duration resumeLookback = Duration.ofMinutes(1);

    /**
     * With Micrometer, how often the worker consumer's Kafka client meters are checked for new
     * ones: a partition's {@code records-lag} is a meter only from the first check after the
     * partition was assigned and fetched (Micrometer's default is a minute).
     */
    private Duration clientMetersRefresh = Duration.ofMinutes(1);

    /** What a job's partitioning key is made of. */
    public enum KeyBy {
        /** The lower-case ASCII (IDNA) host of the URL: all of a host's jobs go to one worker. */
        HOST,
        /** The registrable domain of the host: all of a site's hosts go to one worker. */
        DOMAIN
    }

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isWorkerEnabled() {
        return this.workerEnabled;
    }

    public void setWorkerEnabled(boolean workerEnabled) {
        this.workerEnabled = workerEnabled;
    }

    public String getJobsTopic() {
        return this.jobsTopic;
    }

    public void setJobsTopic(String jobsTopic) {
        this.jobsTopic = jobsTopic;
    }

    public String getResultsTopic() {
        return this.resultsTopic;
    }

    public void setResultsTopic(String resultsTopic) {
        this.resultsTopic = resultsTopic;
    }

    public String getDeadLetterTopic() {
        return this.deadLetterTopic;
    }

    public void setDeadLetterTopic(String deadLetterTopic) {
        this.deadLetterTopic = deadLetterTopic;
    }

    public String getGroupId() {
        return this.groupId;
    }

    public void setGroupId(String groupId) {
        this.groupId = groupId;
    }

    public int getMaxInFlightJobs() {
        return this.maxInFlightJobs;
    }

    public void setMaxInFlightJobs(int maxInFlightJobs) {
        this.maxInFlightJobs = maxInFlightJobs;
    }

    public int getMaxPollRecords() {
        return this.maxPollRecords;
    }

    public void setMaxPollRecords(int maxPollRecords) {
        this.maxPollRecords = maxPollRecords;
    }

    public int getConcurrency() {
        return this.concurrency;
    }

    public void setConcurrency(int concurrency) {
        this.concurrency = concurrency;
    }

    public int getJobsPartitions() {
        return this.jobsPartitions;
    }

    public void setJobsPartitions(int jobsPartitions) {
        this.jobsPartitions = jobsPartitions;
    }

    public int getResultsPartitions() {
        return this.resultsPartitions;
    }

    public void setResultsPartitions(int resultsPartitions) {
        this.resultsPartitions = resultsPartitions;
    }

    public boolean isCreateTopics() {
        return this.createTopics;
    }

    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    public void setCreateTopics(boolean createTopics) {
        this.createTopics = createTopics;
    }

    public Duration getDrainTimeout() {
        return this.drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
    }

    public Duration getHandoffDelay() {
        return this.handoffDelay;
    }

    public void setHandoffDelay(Duration handoffDelay) {
        this.handoffDelay = handoffDelay;
    }

    public int getSendAttempts() {
        return this.sendAttempts;
    }

    public void setSendAttempts(int sendAttempts) {
        this.sendAttempts = sendAttempts;
    }

    public Duration getSendBackoff() {
        return this.sendBackoff;
    }

    public void setSendBackoff(Duration sendBackoff) {
        this.sendBackoff = sendBackoff;
    }

    public KeyBy getKeyBy() {
        return this.keyBy;
    }

    public void setKeyBy(KeyBy keyBy) {
        this.keyBy = keyBy;
    }

    public Duration getResumeLookback() {
        return this.resumeLookback;
    }

    public void setResumeLookback(Duration resumeLookback) {
        this.resumeLookback = resumeLookback;
    }

    public Duration getClientMetersRefresh() {
        return this.clientMetersRefresh;
    }

    public void setClientMetersRefresh(Duration clientMetersRefresh) {
        this.clientMetersRefresh = clientMetersRefresh;
    }

    /** Fails naming the property when a value cannot work. */
    void validate() {
        positive("max-in-flight-jobs", this.maxInFlightJobs);
        positive("max-poll-records", this.maxPollRecords);
        positive("concurrency", this.concurrency);
        positive("jobs-partitions", this.jobsPartitions);
        positive("results-partitions", this.resultsPartitions);
        positive("send-attempts", this.sendAttempts);
        if (this.clientMetersRefresh.isNegative() || this.clientMetersRefresh.isZero()) {
            throw new IllegalArgumentException("multifetch.kafka.client-meters-refresh not positive: " + this.clientMetersRefresh);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("multifetch.kafka." + name + " < 1: " + value);
        }
    }
}
