package dev.multifetch.autoconfigure.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.Acknowledgment;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionLedgerTests {

    private final PartitionLedger ledger = new PartitionLedger();
    private final List<Long> committed = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void take(long... offsets) {
        for (long offset : offsets) {
            this.ledger.received(offset, ack(offset), () -> { }, 0);
        }
    }

    private Acknowledgment ack(long offset) {
        return () -> this.committed.add(offset);
    }

    private void end(long offset) {
        this.ledger.completed(offset);
    }

    @Test
    void whenJobsEndOutOfOrderThenOnlyTheContiguousRunIsCommitted() {
        take(10, 11, 12, 13);
        end(12);
        end(11);
        assertThat(this.committed).isEmpty();
        end(10);
        assertThat(this.committed).containsExactly(12L);
        assertThat(this.ledger.uncommitted()).isEqualTo(1);
        end(13);
        assertThat(this.committed).containsExactly(12L, 13L);
        assertThat(this.ledger.running()).isZero();
    }

    @Test
    void whenOffsetsHaveGapsThenTheyDoNotHoldTheCommitBack() {
        take(5, 9, 20);
        end(9);
        end(5);
        assertThat(this.committed).containsExactly(9L);
    }

    @Test
    void whenAJobEndsTwiceThenItCountsOnce() {
        take(1, 2);
        end(2);
        end(2);
        assertThat(this.ledger.running()).isEqualTo(1);
        assertThat(this.committed).isEmpty();
    }

    @Test
    void whenClosedThenNothingMoreIsCommittedAndTheRunningAreHandedBackToCancel() {
        AtomicInteger cancelled = new AtomicInteger();
        this.ledger.received(1, ack(1), cancelled::incrementAndGet, 0);
        this.ledger.received(2, ack(2), cancelled::incrementAndGet, 0);
        end(2);
        this.ledger.close().forEach(Runnable::run);
        assertThat(cancelled).hasValue(1);
        end(1);
        assertThat(this.committed).isEmpty();
        assertThat(this.ledger.received(3, ack(3), () -> { }, 0)).isFalse();
    }

    @Test
    void whenTheLastRunningJobEndsThenAWaitingDrainReturnsWithItAcknowledged() throws InterruptedException {
        take(1);
        Thread ender = new Thread(() -> {
            sleep(50);
            end(1);
        });
        ender.start();
        assertThat(this.ledger.awaitIdle(System.nanoTime() + 5_000_000_000L)).isTrue();
        // acknowledged before the drain sees the job ended: the commit on revocation includes it
        assertThat(this.committed).containsExactly(1L);
        ender.join();
    }

    @Test
    void whenTheDrainTimesOutThenItSaysJobsStillRun() throws InterruptedException {
        take(1);
        assertThat(this.ledger.awaitIdle(System.nanoTime() + 20_000_000L)).isFalse();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
