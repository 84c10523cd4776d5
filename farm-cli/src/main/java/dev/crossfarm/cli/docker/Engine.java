package dev.crossfarm.cli.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local Docker engine, through docker-java: found from {@code DOCKER_HOST} or the default
 * socket, as the docker CLI finds it.
 */
public final class Engine implements AutoCloseable {

  private final DockerClient client;

  private Engine(DockerClient client) {
    this.client = client;
  }

  /** The engine if one answers a ping, else empty (the caller decides whether that is fatal). */
  public static Optional<Engine> connect() {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    DockerHttpClient http =
        new ZerodepDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .connectionTimeout(Duration.ofSeconds(5))
            .responseTimeout(Duration.ofMinutes(30))
            .build();
    DockerClient client = DockerClientImpl.getInstance(config, http);
    try {
      client.pingCmd().exec();
      return Optional.of(new Engine(client));
    } catch (RuntimeException unreachable) {
      try {
        client.close();
      } catch (IOException ignored) {
        // nothing was open
      }
      return Optional.empty();
    }
  }

  public DockerClient client() {
    return client;
  }

  public boolean imageExists(String reference) {
    try {
      client.inspectImageCmd(reference).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** Runs {@code command} in a throw-away container of {@code image} and returns its output. */
  public String run(String image, List<String> command) {
    CreateContainerResponse created =
        client.createContainerCmd(image).withCmd(command).withEntrypoint(List.of()).exec();
    try {
      client.startContainerCmd(created.getId()).exec();
      int exit =
          client.waitContainerCmd(created.getId()).start().awaitStatusCode(5, TimeUnit.MINUTES);
      StringBuilder out = new StringBuilder();
      try {
        client
            .logContainerCmd(created.getId())
            .withStdOut(true)
            .withStdErr(true)
            .exec(
                new ResultCallback.Adapter<Frame>() {
                  @Override
                  public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                  }
                })
            .awaitCompletion(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (exit != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " in " + image + " exited " + exit + ": " + out);
      }
      return out.toString();
    } finally {
      client.removeContainerCmd(created.getId()).withForce(true).exec();
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException ignored) {
      // the engine connection is going away with us
    }
  }
}
