package dev.multifetch.sample.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver) for the dashboard's browser
 * tests, with a profile of its own deleted on close. {@link #start()} skips the test when
 * /usr/bin/chromedriver is missing; {@code .ci/run} installs it. Screenshots go to {@code target/}.
 */
final class Chromium implements AutoCloseable {

    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** How long a wait lasts at most. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Path profile;
    private final WebDriver driver;

    private Chromium(Path profile, WebDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /** A new browser; skips the calling test when there is no chromedriver. */
    static Chromium start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMEDRIVER), "no " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
        Path profile = Files.createTempDirectory("dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1440,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        return new Chromium(profile, new ChromeDriver(service, options));
    }

    WebDriver driver() {
        return this.driver;
    }

    /**
     * Waits until {@code condition} holds, failing with {@code what} after {@link #WAIT}; the page
     * redraws its tables every tick, so a condition holding a row that was redrawn is tried again.
     */
    void waitFor(String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(this.driver, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** The text of the element with id {@code id}. */
    String text(String id) {
        return this.driver.findElement(By.id(id)).getText();
    }

    /** Saves the page as {@code target/name}. */
    void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException {
        this.driver.quit();
        try (var files = Files.walk(this.profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** Debian's real binary; /usr/bin/chromium is a wrapper script around it. */
    private static String binary() {
        Path binary = Path.of("/usr/lib/chromium/chromium");
        return Files.isExecutable(binary) ? binary.toString() : "/usr/bin/chromium";
    }
}
