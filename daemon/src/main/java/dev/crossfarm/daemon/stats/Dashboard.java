package dev.crossfarm.daemon.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The live page of {@code /dashboard}: one self-contained HTML file (inline CSS and script, an SVG
 * chart, no CDN, no external assets) that polls {@code /status.json} every second.
 */
final class Dashboard {

  private static final String PAGE = load();

  private Dashboard() {}

  static String page() {
    return PAGE;
  }

  private static String load() {
    try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IllegalStateException("dashboard.html is missing from the daemon jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
