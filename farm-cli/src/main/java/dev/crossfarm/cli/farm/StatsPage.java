package dev.crossfarm.cli.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Talks to a volunteer's stats port: its stock text page into name -> value, its /status.json, and
 * {@code POST /cache/clear}.
 */
public final class StatsPage {

  private StatsPage() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The volunteer's /status.json, or null when it does not answer. */
  public static JsonNode status(Volunteer v) {
    try {
      return JSON.readTree(get(v.host(), v.statsPort(), "/status.json"));
    } catch (IOException e) {
      return null;
    }
  }

  public static Map<String, String> read(String host, int port) throws IOException {
    return parse(get(host, port, "/"));
  }

  /** The body of {@code GET path} on a volunteer's stats port, within 3 seconds. */
  public static String get(String host, int port, String path) throws IOException {
    return request(host, port, "GET", path, 3000).body();
  }

  /** A volunteer's answer: the HTTP status code and the body. */
  public record Response(int status, String body) {}

  /**
   * {@code POST path} on a volunteer's stats port ({@code /cache/clear}), within {@code
   * timeoutMillis}: clearing a large store takes a while.
   */
  public static Response post(String host, int port, String path, int timeoutMillis)
      throws IOException {
    return request(host, port, "POST", path, timeoutMillis);
  }

  private static Response request(String host, int port, String method, String path, int timeout)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 3000);
      s.setSoTimeout(timeout);
      OutputStream out = s.getOutputStream();
      out.write((method + " " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int body = response.indexOf("\r\n\r\n");
      String[] statusLine = response.split(" ", 3);
      int status;
      try {
        status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
      } catch (NumberFormatException e) {
        status = 0;
      }
      return new Response(status, body < 0 ? response : response.substring(body + 4));
    }
  }

  static Map<String, String> parse(String page) {
    Map<String, String> values = new LinkedHashMap<>();
    boolean inside = false;
    for (String line : page.split("\r?\n")) {
      if (line.equals("<distccstats>")) {
        inside = true;
      } else if (line.equals("</distccstats>")) {
        break;
      } else if (inside) {
        int sp = line.indexOf(' ');
        if (sp > 0) {
          values.put(line.substring(0, sp), line.substring(sp + 1));
        }
      }
    }
    return values;
  }
}
