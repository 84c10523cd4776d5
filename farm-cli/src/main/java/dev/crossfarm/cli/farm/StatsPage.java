package dev.crossfarm.cli.farm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a volunteer's stats page (stock distccd's text format) into name -> value. */
public final class StatsPage {

  private StatsPage() {}

  public static Map<String, String> read(String host, int port) throws IOException {
    return parse(get(host, port, "/"));
  }

  /** The body of {@code GET path} on a volunteer's stats port, within 3 seconds. */
  public static String get(String host, int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 3000);
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int body = response.indexOf("\r\n\r\n");
      return body < 0 ? response : response.substring(body + 4);
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
