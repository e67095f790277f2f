package io.reachflow.audience;

import io.reachflow.task.Channel;
import java.util.Collection;
import java.util.Map;

/** A chunk of profiles as the CSV text of three staging tables: users, their tags, their opt-outs. */
record StagedProfiles(String users, String tags, String optOuts) {

    private static final AudienceUser.AttributesColumn ATTRIBUTES = new AudienceUser.AttributesColumn();

    static StagedProfiles of(Collection<UserProfile> profiles) {
        StringBuilder users = new StringBuilder(profiles.size() * 128);
        StringBuilder tags = new StringBuilder();
        StringBuilder optOuts = new StringBuilder();
        for (UserProfile profile : profiles) {
            row(users, profile.id(), profile.name(), profile.email(), profile.phone(), profile.pushToken(),
                    profile.timeZone(), profile.locale(), attributes(profile));
            if (profile.tags() != null) {
                profile.tags().forEach(tag -> row(tags, profile.id(), tag));
            }
            if (profile.optOut() != null) {
                for (Channel channel : profile.optOut()) {
                    row(optOuts, profile.id(), channel.name());
                }
            }
        }
        return new StagedProfiles(users.toString(), tags.toString(), optOuts.toString());
    }

    /** The attributes as the entity stores them: JSON, an empty object when there are none. */
    static String attributes(UserProfile profile) {
        return ATTRIBUTES.convertToDatabaseColumn(profile.attributes() == null ? Map.of() : profile.attributes());
    }

    /** One CSV line: every value quoted (quotes doubled), null as an empty unquoted field, which COPY reads as NULL. */
    private static void row(StringBuilder csv, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                csv.append(',');
            }
            if (values[i] != null) {
                csv.append('"').append(values[i].replace("\"", "\"\"")).append('"');
            }
        }
        csv.append('\n');
    }
}
