package dev.crossfarm.daemon.stats;

/**
 * What the stats port serves: a volunteer's pages ({@link VolunteerStatus}) or a front's, in the
 * same four forms, so scrapers, {@code farm status} and {@code farm top} read either alike.
 */
public interface StatusPages {

  /** {@code GET /}: stock distccd's text page. */
  String stockText();

  /** {@code GET /metrics}: Prometheus text. */
  String prometheus();

  /** {@code GET /status.json}. */
  String json();

  /** {@code GET /dashboard}: one self-contained live page that polls {@code /status.json}. */
  String dashboard();
}
