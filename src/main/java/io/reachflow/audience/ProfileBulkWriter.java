package io.reachflow.audience;

import java.time.Instant;
import java.util.Collection;

/**
 * Writes a chunk of imported profiles in the caller's transaction: each one created or replaced whole (tags and
 * opt-outs included), as {@code PUT /api/users/{id}} would, in a few set-based statements. The chunk holds each
 * id once.
 */
interface ProfileBulkWriter {

    void write(Collection<UserProfile> profiles, Instant now);
}
