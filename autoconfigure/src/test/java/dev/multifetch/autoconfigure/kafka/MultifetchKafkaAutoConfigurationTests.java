package dev.multifetch.autoconfigure.kafka;

import dev.multifetch.autoconfigure.kafka.testing.SharedKafka;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.multifetch.autoconfigure.MultifetchAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

class MultifetchKafkaAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, MultifetchAutoConfiguration.class,
                MultifetchKafkaAutoConfiguration.class))
        .withPropertyValues("multifetch.kafka.create-topics=false");

    @Test
    void whenKafkaIsNotEnabledThenNothingOfItIsConfigured() {
        this.runner.run((context) -> assertThat(context).doesNotHaveBean(JobSubmitter.class).doesNotHaveBean(JobWorker.class)
            .doesNotHaveBean(MultifetchKafkaProperties.class));
    }

    @Test
    void whenSpringKafkaIsNotOnTheClasspathThenNothingOfItIsConfigured() {
        this.runner.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
            .withPropertyValues("multifetch.kafka.enabled=true")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobSubmitter.class));
    }

    @Test
    void whenTheWorkerIsOffThenTheInstanceCanSubmitAndReadButConsumesNoJobs() {
        this.runner.withPropertyValues("multifetch.kafka.enabled=true", "multifetch.kafka.worker-enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(JobSubmitter.class).hasSingleBean(BatchResults.class)
                .doesNotHaveBean(JobWorker.class).doesNotHaveBean(ConcurrentMessageListenerContainer.class)
                .doesNotHaveBean(FetchJobHandler.class));
    }

    @Test
    void whenTheWorkerIsOnThenItRunsJobsOnTheEngineUnlessAHandlerIsDefined() {
        this.runner.withPropertyValues("multifetch.kafka.enabled=true", "spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers())
            .run((context) -> assertThat(context).hasSingleBean(JobWorker.class).getBean(FetchJobHandler.class)
                .isInstanceOf(EngineJobHandler.class));
        FetchJobHandler own = (job) -> new CompletableFuture<>();
        this.runner.withPropertyValues("multifetch.kafka.enabled=true", "spring.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers())
            .withBean(FetchJobHandler.class, () -> own)
            .run((context) -> assertThat(context.getBean(FetchJobHandler.class)).isSameAs(own));
    }

    @Test
    void whenAValueCannotWorkThenStartupFailsNamingIt() {
        Map.of("multifetch.kafka.max-in-flight-jobs=0", "multifetch.kafka.max-in-flight-jobs < 1: 0",
                "multifetch.kafka.client-meters-refresh=0s", "multifetch.kafka.client-meters-refresh not positive: PT0S")
            .forEach((property, message) -> this.runner
                .withPropertyValues("multifetch.kafka.enabled=true", "multifetch.kafka.worker-enabled=false", property)
                .run((context) -> assertThat(context).getFailure().rootCause().hasMessage(message)));
    }

    @Test
    void whenAMeterRegistryIsThereThenTheMetersAreRegisteredAtZero() {
        this.runner.withPropertyValues("multifetch.kafka.enabled=true", "multifetch.kafka.worker-enabled=false")
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .run((context) -> {
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get(KafkaJobMetrics.COMPLETED).tag("outcome", "success").counter().count()).isZero();
                assertThat(registry.get(KafkaJobMetrics.IN_FLIGHT).gauge().value()).isZero();
                assertThat(registry.get(KafkaJobMetrics.PAUSED).gauge().value()).isZero();
                assertThat(registry.get(KafkaJobMetrics.DUPLICATES).counter().count()).isZero();
            });
    }
}
