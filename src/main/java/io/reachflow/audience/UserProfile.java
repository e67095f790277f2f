package io.reachflow.audience;

import io.reachflow.system.PlainText;
import io.reachflow.system.UserId;
import io.reachflow.task.Channel;
import io.reachflow.task.TimeZoneId;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;

/**
 * A user profile as the API takes and gives it. {@code attributes} is free JSON for templates. The id comes from
 * the path of {@code PUT /api/users/{id}} (a body may repeat it, not name another) or from the import row. An empty
 * address ({@code "email": ""}) is no address, as an empty CSV cell is: stored as one, a channel would have sent to it
 * and failed rather than skip the user for having none.
 */
@StorableProfile
public record UserProfile(
        @UserId String id,
        @PlainText @Size(max = 200) String name,
        @Email @Size(max = 320) String email,
        @Size(max = 32) @Pattern(regexp = "\\+?[0-9 ()-]{3,32}", message = "must be a phone number") String phone,
        @Size(max = 4096) String pushToken,
        @Size(max = 64) @TimeZoneId String timeZone,
        @Size(max = 35) @LanguageTag String locale,
        Set<@NotBlank @Size(max = 64) String> tags,
        Map<String, Object> attributes,
        Set<@NotNull Channel> optOut) {

    private static final AudienceUser.AttributesColumn ATTRIBUTES_COLUMN = new AudienceUser.AttributesColumn();

    public UserProfile {
        email = emptyAsNone(email);
        phone = emptyAsNone(phone);
        pushToken = emptyAsNone(pushToken);
    }

    private static String emptyAsNone(String address) {
        return address == null || address.isEmpty() ? null : address;
    }

    /** The attributes as the entity stores them: JSON, an empty object when there are none. */
    public String attributesJson() {
        return ATTRIBUTES_COLUMN.convertToDatabaseColumn(attributes == null ? Map.of() : attributes);
    }

    /** The same profile under the id of {@code PUT /api/users/{id}}, for a body that left it out. */
    public UserProfile withId(String newId) {
        return new UserProfile(newId, name, email, phone, pushToken, timeZone, locale, tags, attributes, optOut);
    }
}
