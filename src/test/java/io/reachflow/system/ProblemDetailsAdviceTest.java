package io.reachflow.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.EOFException;
import java.io.IOException;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The advice's last resort: what no handler foresaw is still a problem body, and it names no internals. */
class ProblemDetailsAdviceTest {

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Failing())
            .setControllerAdvice(new ProblemDetailsAdvice())
            .build();

    @Test
    void anUnforeseenFailureIsA500ProblemWithoutItsMessage() throws Exception {
        mvc.perform(get("/failing/unforeseen"))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(500))
                .andExpect(jsonPath("$.title").value("Internal Server Error"))
                .andExpect(jsonPath("$.detail").value("The server could not answer the request; its log has the cause"))
                .andExpect(content().string(Matchers.not(Matchers.containsString("secret-table"))));
    }

    @Test
    void anAnswerChosenByTheCodeKeepsItsStatus() throws Exception {
        mvc.perform(get("/failing/gone"))
                .andExpect(status().isGone())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("pruned"));
    }

    @Test
    void aRefusalThatTheEngineWrappedKeepsItsStatus() throws Exception {
        mvc.perform(get("/failing/wrapped-refusal"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("Separation of duties: sam may not decide"));
    }

    /** A broken-off upload or a closed connection is the client's doing: no 500, no error in the log. */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aClientThatWentAwayIsNoServerError(CapturedOutput output) throws Exception {
        mvc.perform(get("/failing/client-gone"))
                .andExpect(status().isOk())
                .andExpect(content().string(""));
        mvc.perform(get("/failing/unforeseen"));

        assertThat(output.getOut()).doesNotContain("GET /failing/client-gone failed")
                .contains("GET /failing/unforeseen failed");
    }

    @RestController
    static class Failing {

        @GetMapping("/failing/client-gone")
        String clientGone() throws IOException {
            throw new IOException("upload broke off", new EOFException());
        }

        @GetMapping("/failing/wrapped-refusal")
        String wrappedRefusal() {
            throw new ProcessEngineException("ENGINE-03051 There was an exception while invoking the TaskListener",
                    new ProcessEngineException("Exception while invoking TaskListener",
                            new AuthorizationException("Separation of duties: sam may not decide")));
        }

        @GetMapping("/failing/unforeseen")
        String unforeseen() {
            throw new IllegalStateException("column missing in secret-table");
        }

        @GetMapping("/failing/gone")
        String gone() {
            throw new ResponseStatusException(HttpStatus.GONE, "pruned");
        }
    }
}
