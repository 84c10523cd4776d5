package dev.crossfarm.daemon.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The daemon's log, in stock distccd's format ({@code distccd[PID] (dcc_job_summary) client: ...})
 * so that what people grep keeps working, to {@code --log-file} or stderr. slf4j writes through
 * java.util.logging, which is configured here in code: no logging file to ship.
 *
 * <p>distccd's levels map onto slf4j's: error (and emerg/alert/crit) = error, warning = warn,
 * notice = info (the job summaries, the default), info = debug, debug = trace.
 */
public final class DistccdLog {

  private static final Map<String, Level> LEVELS =
      Map.of(
          "emerg", Level.SEVERE,
          "alert", Level.SEVERE,
          "crit", Level.SEVERE,
          "error", Level.SEVERE,
          "warning", Level.WARNING,
          "notice", Level.INFO,
          "info", Level.FINE,
          "debug", Level.FINEST);

  private DistccdLog() {}

  /** Parses a distccd level name, or throws a message listing the valid ones. */
  public static Level level(String name) {
    Level level = LEVELS.get(name.toLowerCase(Locale.ROOT));
    if (level == null) {
      throw new IllegalArgumentException(
          "unknown --log-level '"
              + name
              + "'; use emerg, alert, crit, error, warning, notice, info or debug");
    }
    return level;
  }

  /** Sends all logging to {@code file} (appending) or to stderr when it is null. */
  public static void configure(Path file, Level level) throws IOException {
    LogManager.getLogManager().reset();
    OutputStream out = file == null ? System.err : new FileOutputStream(file.toFile(), true);
    Handler handler =
        new StreamHandler(out, new DistccdFormat()) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush(); // a line per job, readable at once by tail -f and tests
          }
        };
    handler.setLevel(level);
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    root.addHandler(handler);
  }

  /** {@code distccd[PID] (logger) message}, one line, a stack trace only at debug level. */
  static final class DistccdFormat extends Formatter {
    private final long pid = ProcessHandle.current().pid();

    @Override
    public String format(LogRecord r) {
      StringBuilder b =
          new StringBuilder("distccd[")
              .append(pid)
              .append("] (")
              .append(r.getLoggerName())
              .append(") ");
      if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
        b.append(r.getLevel() == Level.SEVERE ? "ERROR: " : "WARNING: ");
      }
      b.append(formatMessage(r)).append('\n');
      if (r.getThrown() != null) {
        StringWriter trace = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(trace));
        b.append(trace);
      }
      return b.toString();
    }
  }
}
