package dev.multifetch.core.http1;

/**
 * Which redirect codes keep a POST a POST instead of turning it into a GET. By default none do,
 * as in curl and every browser. libcurl: {@code CURLOPT_POSTREDIR}.
 *
 * @param on301 keep POST on 301 Moved Permanently ({@code CURL_REDIR_POST_301})
 * @param on302 keep POST on 302 Found ({@code CURL_REDIR_POST_302})
 * @param on303 keep POST on 303 See Other ({@code CURL_REDIR_POST_303})
 */
public record PostRedirect(boolean on301, boolean on302, boolean on303) {

    /** POST becomes GET on 301, 302 and 303. libcurl: 0, the default. */
    public static final PostRedirect NONE = new PostRedirect(false, false, false);

    /** POST stays POST on 301, 302 and 303. libcurl: {@code CURL_REDIR_POST_ALL}. */
    public static final PostRedirect ALL = new PostRedirect(true, true, true);

    private static final int BIT_301 = 1;
    private static final int BIT_302 = 2;
    private static final int BIT_303 = 4;

    /** From libcurl's bitmask: 1 for 301, 2 for 302, 4 for 303; any other bit is refused. */
    public static PostRedirect ofBits(int bits) {
        if ((bits & ~(BIT_301 | BIT_302 | BIT_303)) != 0) {
            throw new IllegalArgumentException("unknown POSTREDIR bits: " + bits);
        }
        return new PostRedirect((bits & BIT_301) != 0, (bits & BIT_302) != 0, (bits & BIT_303) != 0);
    }

    /** Whether a POST answered with {@code status} is repeated as a POST. */
    public boolean keepsPost(int status) {
        return switch (status) {
            case 301 -> on301;
            case 302 -> on302;
            case 303 -> on303;
            default -> true;
        };
    }
}
