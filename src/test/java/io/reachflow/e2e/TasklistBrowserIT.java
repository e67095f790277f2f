package io.reachflow.e2e;

import static io.reachflow.support.HttpJson.get;
import static io.reachflow.support.HttpJson.manualInAppTask;
import static io.reachflow.support.HttpJson.object;
import static io.reachflow.support.HttpJson.post;
import static io.reachflow.support.HttpJson.uniqueWord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachflow.support.Api;
import io.reachflow.support.Engine;
import io.reachflow.support.Fixtures;
import io.reachflow.support.ReachflowSpringTest;
import java.io.File;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * A reviewer's decision in Camunda Tasklist, clicked in a real Chromium: the README's "Approving in Tasklist".
 * rita logs in, finds the operation task in the "Review work" list by its name, claims it, reads the form, is
 * refused a rejection without a comment, and approves; the task runs. sam, a senior reviewer, sees the first
 * level's decision on the second level's form. Tasklist calls the webapps' own copy of the
 * engine API, whose answers (and their status) only a browser sees as a reviewer does.
 * <p>A failsafe test: the webapps find their engine by name in the JVM, which holds this application's alone here.
 * Needs Debian's {@code chromium} and {@code chromium-driver}; skipped without them, unless
 * {@code REACHFLOW_BROWSER_TESTS=required} (as {@code .ci/run} sets once it has installed them).
 */
@ReachflowSpringTest
class TasklistBrowserIT {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    Api api;

    @Autowired
    Engine engine;

    private WebDriver browser;
    private WebDriverWait until;

    @BeforeEach
    void openBrowser() {
        boolean present = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if (!present && "required".equals(System.getenv("REACHFLOW_BROWSER_TESTS"))) {
            fail("REACHFLOW_BROWSER_TESTS=required, but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        }
        Assumptions.assumeTrue(present, "No Chromium and ChromeDriver (Debian's chromium, chromium-driver)");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1600");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        // Tasklist (AngularJS) renders parts again as answers come in: an element found may be gone at the next look
        until = new WebDriverWait(browser, PATIENCE);
        until.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aReviewerApprovesInTasklist() {
        String name = "Tasklist sale " + uniqueWord();
        long id = underReview(name);

        logIn(Fixtures.REVIEWER);
        assertThat(open(name)).isEqualTo("Review task");
        until.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.claim"))).click();

        // the form shows what is approved: the task's name among the briefing's fields
        until.until(driver -> driver.findElements(By.cssSelector("input[disabled]")).stream()
                .anyMatch(field -> name.equals(field.getDomProperty("value"))));
        // a first level's work shows no first level's decision (a field for the second level only)
        assertThat(browser.findElements(By.xpath("//*[contains(@class, 'fjs-form-field')][contains(., 'First level')]")))
                .isEmpty();
        By complete = By.xpath("//button[normalize-space() = 'Complete']");

        click(complete);
        WebElement refusal = until.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".notifications .alert .message")));
        // the refusal itself (400), not the engine's wrapping of it (a 500 naming the task listener)
        assertThat(refusal.getText()).contains("A rejection needs a comment").doesNotContain("TaskListener");
        assertThat(status(id)).isEqualTo("UNDER_REVIEW");
        // the notice lies over the form's buttons until it is closed, as a reviewer would
        browser.findElement(By.cssSelector(".notifications .alert button.close:not(.ng-hide)")).click();
        until.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(".notifications .alert")));

        click(By.cssSelector("form input[type=checkbox]"));
        browser.findElement(By.cssSelector("textarea:not([disabled])")).sendKeys("Clicked through in Tasklist");
        click(complete);

        until.withMessage("the task runs once rita approved it in Tasklist")
                .until(driver -> "RUNNING".equals(status(id)));
        JsonNode task = get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}", id).getBody();
        assertThat(task.path("approvalStatus").asText()).isEqualTo("APPROVED");
        assertThat(task.path("approvedBy").asText()).isEqualTo(Fixtures.REVIEWER);
        JsonNode history = get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/history", id).getBody();
        assertThat(history.get(history.size() - 1).path("comment").asText()).isEqualTo("Clicked through in Tasklist");
    }

    /** The second level's form shows the first level's decision: who approved, with the comment. */
    @Test
    void theSeniorReviewerSeesTheFirstLevelsDecision() {
        String name = "Tasklist text " + uniqueWord();
        long id = underReview(name, "SMS");
        ResponseEntity<JsonNode> first = post(api.as(Fixtures.REVIEWER), "/api/tasks/{id}/approve",
                object().put("comment", "Checked the link"), id);
        assertThat(first.getBody().path("status").asText()).as("%s", first.getBody()).isEqualTo("UNDER_REVIEW");

        logIn(Fixtures.SENIOR_REVIEWER);
        assertThat(open(name)).isEqualTo("Senior review task");

        until.withMessage("the form's field of the first level's decision").until(driver -> driver
                .findElements(By.cssSelector("textarea[disabled]")).stream()
                .anyMatch(field -> ("Approved by " + Fixtures.REVIEWER + ": Checked the link")
                        .equals(field.getDomProperty("value"))));
    }

    private void logIn(String user) {
        browser.get(api.baseUrl() + "/camunda/app/tasklist/");
        until.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[type=password]")));
        browser.findElement(By.cssSelector("input[type=text]")).sendKeys(user);
        browser.findElement(By.cssSelector("input[type=password]")).sendKeys("demo");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /**
     * Opens the review work of the operation task named {@code name}, found in the list by the name it shows
     * (the filter's variables); returns the work's own name.
     */
    private String open(String name) {
        By work = By.xpath("//li[contains(@class, 'task') and contains(., '" + name + "')]//h4/a");
        String title = until.until(driver -> driver.findElement(work).getText().trim());
        click(work);
        return title;
    }

    /**
     * Clicks the element once it is scrolled to the middle of its pane (Tasklist's footer lies over the bottom),
     * found afresh at each try, and tried again while something still lies over it.
     */
    private void click(By locator) {
        until.until(driver -> {
            WebElement element = driver.findElement(locator);
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
            if (!element.isDisplayed() || !element.isEnabled()) {
                return false;
            }
            try {
                element.click();
                return true;
            } catch (ElementClickInterceptedException coveredForNow) {
                return false;
            }
        });
    }

    private long underReview(String name) {
        return underReview(name, "IN_APP");
    }

    /**
     * A task on the channel, tested and submitted; its testers are the demo's operators, who have a phone, as
     * testers are staff.
     */
    private long underReview(String name, String channel) {
        ObjectNode task = manualInAppTask(name);
        task.put("channel", channel);
        ResponseEntity<JsonNode> created = post(api.as(Fixtures.OPERATOR), "/api/tasks", task);
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = created.getBody().path("id").asLong();
        assertThat(post(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/test", null, id).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        engine.runDueJobs();
        ResponseEntity<JsonNode> submitted = post(api.as(Fixtures.OPERATOR), "/api/tasks/{id}/submit", null, id);
        assertThat(submitted.getBody().path("status").asText()).as("%s", submitted.getBody()).isEqualTo("UNDER_REVIEW");
        return id;
    }

    private String status(long id) {
        engine.runDueJobs();
        return get(api.as(Fixtures.OPERATOR), "/api/tasks/{id}", id).getBody().path("status").asText();
    }
}
