package dev.multifetch.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A JFR recording of the measured phase only (warm-up, JIT and JFR's own start-up left out):
 * the JDK's "profile" settings with Java execution sampled every millisecond. Its cost lands in
 * that run's CPU and allocation figures, so profiled runs are reported apart.
 */
final class Profile {

    private static final Profile NONE = new Profile(null, null);

    private final Recording recording;
    private final Path file;

    private Profile(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts recording into {@code file}; an empty name records nothing. */
    static Profile start(String file) throws IOException {
        if (file.isEmpty()) {
            return NONE;
        }
        Configuration profile;
        try {
            profile = Configuration.getConfiguration("profile");
        } catch (ParseException unreadable) {
            throw new IOException("cannot read JFR's profile settings", unreadable);
        }
        Recording r = new Recording(profile);
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(5));
        r.start();
        return new Profile(r, Path.of(file));
    }

    /** Stops and writes the recording. */
    void stop() throws IOException {
        if (recording != null) {
            recording.stop();
            recording.dump(file);
            recording.close();
        }
    }
}
