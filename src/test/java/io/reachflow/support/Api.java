package io.reachflow.support;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** HTTP clients for the running application, one per demo user, that never throw on an error status. */
@TestComponent
public class Api {

    private final Environment environment;

    public Api(Environment environment) {
        this.environment = environment;
    }

    public RestClient as(String user) {
        return anonymous().mutate()
                .defaultHeaders(headers -> headers.setBasicAuth(user, "demo"))
                .build();
    }

    public RestClient anonymous() {
        return RestClient.builder()
                .baseUrl(baseUrl())
                .defaultHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE + ", " + MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
    }

    public String baseUrl() {
        return "http://localhost:" + environment.getRequiredProperty("local.server.port");
    }
}
