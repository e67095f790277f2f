package io.reachflow.audience;

import io.reachflow.task.Channel;
import io.reachflow.task.JsonColumn;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A user profile of the app that owns the users: where to reach them, how to address them, and what they opted
 * out of. Tags and opt-outs are rows of their own so that audiences resolve in SQL.
 */
@Entity
@Table(name = "audience_user")
public class AudienceUser {

    @Id
    private String id;

    @Version
    private long version;

    private String name;
    private String email;
    private String phone;
    private String pushToken;
    private String timeZone;
    private String locale;

    @Convert(converter = AttributesColumn.class)
    private Map<String, Object> attributes = new LinkedHashMap<>();

    @ElementCollection
    @CollectionTable(name = "audience_user_tag", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "tag")
    private Set<String> tags = new LinkedHashSet<>();

    @ElementCollection
    @CollectionTable(name = "audience_user_opt_out", joinColumns = @JoinColumn(name = "user_id"))
    @Column(name = "channel")
    @Enumerated(EnumType.STRING)
    private Set<Channel> optOut = new LinkedHashSet<>();

    private Instant createdAt;
    private Instant updatedAt;

    protected AudienceUser() {
    }

    public AudienceUser(String id, Instant now) {
        this.id = id;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public void update(UserProfile profile, Instant now) {
        name = profile.name();
        email = profile.email();
        phone = profile.phone();
        pushToken = profile.pushToken();
        timeZone = profile.timeZone();
        locale = profile.locale();
        attributes = profile.attributes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(profile.attributes());
        tags.clear();
        if (profile.tags() != null) {
            tags.addAll(profile.tags());
        }
        optOut.clear();
        if (profile.optOut() != null) {
            optOut.addAll(profile.optOut());
        }
        updatedAt = now;
    }

    /** The profile as stored; its attributes as given, a null value too (free JSON: Map.copyOf would refuse it). */
    public UserProfile profile() {
        return new UserProfile(id, name, email, phone, pushToken, timeZone, locale, Set.copyOf(tags),
                Collections.unmodifiableMap(new LinkedHashMap<>(attributes)), Set.copyOf(optOut));
    }

    public String getId() {
        return id;
    }

    public long getVersion() {
        return version;
    }

    public static final class AttributesColumn extends JsonColumn<Map<String, Object>> {
        public AttributesColumn() {
            super(new com.fasterxml.jackson.core.type.TypeReference<>() { });
        }
    }
}
