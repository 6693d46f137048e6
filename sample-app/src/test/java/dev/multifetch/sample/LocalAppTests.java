package dev.multifetch.sample;

import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The app on a random port with the {@code local} profile (private networks and any port allowed,
 * so scripted loopback servers can be fetched), and a client for it. Every subclass shares one
 * application context.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
public abstract class LocalAppTests {

    @LocalServerPort
    protected int port;

    @Autowired
    protected JsonMapper jsonMapper;

    protected SampleClient client;

    @BeforeEach
    void sampleClient() {
        this.client = new SampleClient(this.port, this.jsonMapper);
    }
}
