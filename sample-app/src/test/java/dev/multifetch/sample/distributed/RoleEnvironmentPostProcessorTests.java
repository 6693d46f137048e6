package dev.multifetch.sample.distributed;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RoleEnvironmentPostProcessorTests {

    private final RoleEnvironmentPostProcessor processor = new RoleEnvironmentPostProcessor();

    @Test
    void whenTheRoleIsApiThenTheInstanceRunsNoWorker() {
        MockEnvironment environment = new MockEnvironment().withProperty("multifetch.sample.role", "api")
            .withProperty("multifetch.kafka.enabled", "true");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("multifetch.kafka.worker-enabled")).isEqualTo("false");
    }

    @Test
    void whenTheRoleIsWorkerOrAllThenTheWorkerStaysOn() {
        for (String role : new String[] { "worker", "ALL" }) {
            MockEnvironment environment = new MockEnvironment().withProperty("multifetch.sample.role", role)
                .withProperty("multifetch.kafka.enabled", "true");
            this.processor.postProcessEnvironment(environment, new SpringApplication());
            assertThat(environment.getProperty("multifetch.kafka.worker-enabled")).isNull();
        }
    }

    @Test
    void whenARoleIsGivenWithoutKafkaThenStartupFailsSayingWhatIsMissing() {
        MockEnvironment environment = new MockEnvironment().withProperty("multifetch.sample.role", "worker");
        assertThatIllegalStateException().isThrownBy(() -> this.processor.postProcessEnvironment(environment, new SpringApplication()))
            .withMessage("multifetch.sample.role=worker needs multifetch.kafka.enabled=true (and spring.kafka.bootstrap-servers):"
                    + " only a fleet has roles");
    }

    @Test
    void whenTheRoleIsUnknownThenStartupFailsNamingIt() {
        MockEnvironment environment = new MockEnvironment().withProperty("multifetch.sample.role", "boss");
        assertThatIllegalStateException().isThrownBy(() -> this.processor.postProcessEnvironment(environment, new SpringApplication()))
            .withMessage("multifetch.sample.role must be api, worker or all, was \"boss\"");
    }
}
