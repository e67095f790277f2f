package io.reachflow.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A browser's session with the webapps, as Tasklist keeps it: logged in through the webapps' own login, with their
 * session cookie and the CSRF token that they hand out on a read and want back on every POST.
 *
 * <p>The webapps keep state for the whole JVM: they look engines up by name in its registry, and their Admin API
 * (where the login is) starts on its first request from a runtime delegate that the close of any other test
 * context's webapps has cleared. So a test that logs in has an application context of its own, with an engine of a
 * generated name, and names that engine in every path (see {@code TasklistEngineApiTest}).
 */
public final class WebappSession {

    private final String baseUrl;
    private final String engine;
    private final CookieManager cookies = new CookieManager();
    // HTTP/1.1, as a browser speaks to a plain http:// server: no upgrade offered on the first request
    private final HttpClient browser;

    private WebappSession(String baseUrl, String engine) {
        this.baseUrl = baseUrl;
        this.engine = engine;
        this.browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
    }

    /** {@code user} (password "demo") logged in to Tasklist of the engine {@code engine}. */
    public static WebappSession tasklist(String baseUrl, String engine, String user) {
        WebappSession session = new WebappSession(baseUrl, engine);
        // Tasklist asks who is logged in, as its page opens and after the login: each read hands out the token of
        // the session, and the login starts a new one
        session.whoIsLoggedIn();
        HttpResponse<String> login = session.post("/camunda/api/admin/auth/user/" + engine + "/login/tasklist",
                "application/x-www-form-urlencoded",
                "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=demo");
        if (login.statusCode() != 200) {
            throw new IllegalStateException("Login of " + user + " answered " + login.statusCode() + ": " + login.body());
        }
        session.whoIsLoggedIn();
        return session;
    }

    /** A POST of JSON to the webapps' copy of the engine's API, e.g. {@code /task/{id}/claim}. */
    public HttpResponse<String> postToEngine(String path, String json) {
        return post("/camunda/api/engine/engine/" + engine + path, "application/json", json);
    }

    /** A GET from the webapps' copy of the engine's API, e.g. {@code /task/{id}/form}, as Tasklist reads. */
    public HttpResponse<String> getFromEngine(String path) {
        return send(HttpRequest.newBuilder(uri("/camunda/api/engine/engine/" + engine + path))
                .header("Referer", baseUrl + "/camunda/app/tasklist/")
                .header("Accept", "application/json, text/plain, */*")
                .GET().build());
    }

    private void whoIsLoggedIn() {
        send(HttpRequest.newBuilder(uri("/camunda/api/admin/auth/user/" + engine)).GET().build());
    }

    private HttpResponse<String> post(String path, String contentType, String body) {
        String token = cookies.getCookieStore().getCookies().stream()
                .filter(cookie -> cookie.getName().equals("XSRF-TOKEN")).map(HttpCookie::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("The webapps handed out no CSRF token"));
        return send(HttpRequest.newBuilder(uri(path))
                .header("X-XSRF-TOKEN", token)
                .header("Referer", baseUrl + "/camunda/app/tasklist/")
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return browser.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
