package io.reachflow.delivery.channels.providers;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bearer token of FCM requests: minted from a service account key by Google's OAuth 2 library (a JWT signed with
 * the key, exchanged at the key's {@code token_uri} for an access token of the {@value #SCOPE} scope), kept while it
 * is valid and minted again shortly before it expires; or a fixed token from configuration.
 */
final class FcmAccessTokens {

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final GoogleCredentials credentials;
    private final String fixed;

    private FcmAccessTokens(GoogleCredentials credentials, String fixed) {
        this.credentials = credentials;
        this.fixed = fixed;
    }

    /** From the configuration: the service account's key is read (and so checked) at start-up. */
    static FcmAccessTokens of(PushProperties properties) {
        if (properties.serviceAccount() == null) {
            return new FcmAccessTokens(null, properties.accessToken());
        }
        try (InputStream key = properties.serviceAccount().getInputStream()) {
            // no retries inside the library (it would back off for seconds while the job holds its thread): a
            // failing token endpoint defers the messages, and the engine's retry cycle is the backoff
            return new FcmAccessTokens(ServiceAccountCredentials.fromStream(key).createScoped(SCOPE)
                    .createWithCustomRetryStrategy(false), null);
        } catch (IOException e) {
            throw new UncheckedIOException("reachflow.channels.push.service-account "
                    + properties.serviceAccount().getDescription() + " is not a service account key: " + e.getMessage(), e);
        }
    }

    /** A valid access token; minting one may fail (the token endpoint down), which the caller defers. */
    String current() throws IOException {
        if (credentials == null) {
            return fixed;
        }
        credentials.refreshIfExpired();
        AccessToken token = credentials.getAccessToken();
        if (token == null) {
            throw new IOException("the token endpoint gave no access token");
        }
        return token.getTokenValue();
    }
}
