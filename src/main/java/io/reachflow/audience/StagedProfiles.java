package io.reachflow.audience;

import io.reachflow.system.CsvRows;
import io.reachflow.task.Channel;
import java.util.Collection;

/** A chunk of profiles as the rows of three staging tables: users, their tags, their opt-outs. */
record StagedProfiles(CsvRows users, CsvRows tags, CsvRows optOuts) {

    static StagedProfiles of(Collection<UserProfile> profiles) {
        CsvRows users = new CsvRows(profiles.size());
        CsvRows tags = new CsvRows(profiles.size());
        CsvRows optOuts = new CsvRows(0);
        for (UserProfile profile : profiles) {
            users.row(profile.id(), profile.name(), profile.email(), profile.phone(), profile.pushToken(),
                    profile.timeZone(), profile.locale(), profile.attributesJson());
            if (profile.tags() != null) {
                profile.tags().forEach(tag -> tags.row(profile.id(), tag));
            }
            if (profile.optOut() != null) {
                for (Channel channel : profile.optOut()) {
                    optOuts.row(profile.id(), channel.name());
                }
            }
        }
        return new StagedProfiles(users, tags, optOuts);
    }
}
