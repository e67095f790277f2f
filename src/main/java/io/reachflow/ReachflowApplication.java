package io.reachflow;

import org.camunda.bpm.spring.boot.starter.annotation.EnableProcessApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableProcessApplication("reachflow")
@ConfigurationPropertiesScan
@EnableScheduling
public class ReachflowApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReachflowApplication.class, args);
    }
}
