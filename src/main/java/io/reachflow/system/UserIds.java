package io.reachflow.system;

/**
 * What a user id may be, wherever one is named: a profile's, a tester's, a USERS audience's. An id is a path segment
 * of {@code /api/users/{id}} and {@code /api/inbox/{userId}}: what the server refuses in a URL ({@code %}, {@code ;}
 * and a backslash, even encoded), a segment that is no name ({@code .}, {@code ..}), or characters that do not show
 * (control and format characters, spaces of any kind) would make a profile that nobody can read again, or name
 * one that cannot exist.
 */
public final class UserIds {

    public static final String PATTERN = "(?!\\.{1,2}$)[^/\\\\\\s%;\\p{Cc}\\p{Cf}\\p{Z}]+";
    public static final String RULE = "must not contain spaces, control characters, '/', '\\', '%' or ';', nor be "
            + "'.' or '..'";

    private UserIds() {
    }
}
