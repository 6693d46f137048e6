package dev.multifetch.core.multi;

import dev.multifetch.core.AttemptObserver;
import dev.multifetch.core.FetchException;
import java.util.Map;

/**
 * A transfer's attempts as its {@link AttemptObserver} (attached to the transfer) hears of them:
 * the first request, each redirect hop, retry and repeat, each started and ended once. What an
 * observer throws is logged, never the transfer's end. Nothing is allocated per call unless the
 * observer sets header fields on the attempt's request.
 */
final class Attempts {

    private static final System.Logger LOG = System.getLogger(Attempts.class.getName());

    private Attempts() {
    }

    /** An attempt of the transfer's current hop starts. */
    static void started(Run t) {
        int attempt = ++t.attemptSeq;
        t.attemptOpen = true;
        if (t.transfer.attachment() instanceof AttemptObserver observer) {
            try {
                observer.attemptStarted(attempt, t.target.url());
                Map<String, String> fields = observer.attemptHeaders();
                if (fields != null && !fields.isEmpty()) {
                    t.hop = ApiAccess.get().withHeaders(t.hop, fields);
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "an AttemptObserver threw for " + t, e);
            }
        }
    }

    /** Ends the attempt under way, if any, telling the transfer's attempt observer. */
    static void ended(Run t, int status, FetchException failure) {
        if (!t.attemptOpen) {
            return;
        }
        t.attemptOpen = false;
        if (t.transfer.attachment() instanceof AttemptObserver observer) {
            try {
                observer.attemptEnded(t.attemptSeq, status, failure);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "an AttemptObserver threw for " + t, e);
            }
        }
    }
}
