package dev.crossfarm.front;

import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.server.AccessList;
import dev.crossfarm.toolchain.Toolchain;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A front, checked and resolved.
 *
 * @param toolchain the one target whose volunteers it fronts
 * @param listen the address to listen on, or null for every address
 * @param allow who may send jobs (as a volunteer's --allow)
 * @param limits the volunteers' request limits, applied as the request is read
 * @param ioTimeout longest silence of a client while its request comes in
 * @param volunteers the volunteers named by address, in the order given
 * @param volunteerNames names that resolve to volunteers, one per address (a Swarm service's {@code
 *     tasks.NAME}), looked up again every poll
 * @param statsPort the stats port, or null for none
 * @param statsAllow who may read the stats besides {@code allow}
 * @param queueTimeout longest a job waits for a free slot before it is sent back to compile on the
 *     client
 * @param volunteerTimeout longest silence of a volunteer, its compile included
 * @param pollInterval how often each volunteer's /status.json is read
 * @param maxConnections clients served at once; more wait in the listen backlog
 * @param spoolDir where requests and replies too large for memory are kept while in flight
 */
public record FrontConfig(
    Toolchain toolchain,
    InetAddress listen,
    int port,
    AccessList allow,
    RequestLimits limits,
    Duration ioTimeout,
    List<VolunteerAddress> volunteers,
    List<VolunteerAddress> volunteerNames,
    Integer statsPort,
    AccessList statsAllow,
    Duration queueTimeout,
    Duration volunteerTimeout,
    Duration pollInterval,
    int maxConnections,
    Path spoolDir) {

  public FrontConfig {
    volunteers = List.copyOf(volunteers);
    volunteerNames = List.copyOf(volunteerNames);
    if (volunteers.isEmpty() && volunteerNames.isEmpty()) {
      throw new IllegalArgumentException(
          "a front needs volunteers: --volunteer HOST:PORT or --volunteers-dns NAME:PORT");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("--max-connections must be at least 1");
    }
  }
}
