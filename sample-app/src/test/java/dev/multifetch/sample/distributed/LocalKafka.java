package dev.multifetch.sample.distributed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;

/**
 * A Kafka broker (KRaft, in this JVM, spring-kafka-test's) for a local fleet: prints its bootstrap
 * servers (a random port: the in-process broker takes no fixed one), writes them to the file named
 * by the first argument when given, and runs until stopped (Ctrl-C). See the README, "A fleet on Kafka".
 */
public final class LocalKafka {

    private LocalKafka() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String servers = SharedKafka.bootstrapServers();
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), servers);
        }
        System.out.println("Kafka (KRaft) at " + servers + "; Ctrl-C stops it");
        Thread.currentThread().join();
    }
}
