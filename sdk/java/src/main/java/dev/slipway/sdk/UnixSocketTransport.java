package dev.slipway.sdk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 over the platform's Unix socket, with a small pool of keep-alive connections shared
 * by all threads.
 */
final class UnixSocketTransport implements Transport {
  /** Servers close idle keep-alive connections after a few seconds; retire ours before that. */
  private static final long MAX_IDLE_NANOS = Duration.ofSeconds(2).toNanos();

  private final Path socket;
  private final UnixDomainSocketAddress address;
  private final long timeoutNanos;
  private final int maxIdle;
  private final ArrayDeque<HttpConnection> idle = new ArrayDeque<>();

  UnixSocketTransport(Path socket, Duration timeout, int maxIdle) {
    this.socket = socket;
    this.address = UnixDomainSocketAddress.of(socket);
    this.timeoutNanos = timeout.toNanos();
    this.maxIdle = maxIdle;
  }

  @Override
  public ServiceResponse send(ServiceRequest request) throws IOException {
    byte[] head = head(request);
    while (true) {
      HttpConnection connection = takeIdle();
      boolean reused = connection != null;
      if (connection == null) {
        connection = HttpConnection.open(address, timeoutNanos);
      }
      try {
        ServiceResponse response = connection.exchange(head, request.body(), timeoutNanos);
        release(connection);
        return response;
      } catch (IOException e) {
        connection.close();
        // The server may close an idle connection just as we reuse it. Nothing of an answer
        // arrived, so the server dropped the request unread: send it again on a new connection.
        // (A timeout or interrupt is not that case: the request may be running.)
        boolean staleReuse = reused && !connection.receivedAnything()
            && !(e instanceof SocketTimeoutException) && !(e instanceof InterruptedIOException);
        if (!staleReuse) {
          throw e;
        }
      } catch (RuntimeException e) {
        connection.close();
        throw e;
      }
    }
  }

  @Override
  public String describe() {
    return "the socket " + socket;
  }

  @Override
  public void close() {
    List<HttpConnection> closing;
    synchronized (idle) {
      closing = new ArrayList<>(idle);
      idle.clear();
    }
    closing.forEach(HttpConnection::close);
  }

  private HttpConnection takeIdle() {
    while (true) {
      HttpConnection connection;
      synchronized (idle) {
        connection = idle.pollLast();
      }
      if (connection == null) {
        return null;
      }
      if (connection.idleNanos() < MAX_IDLE_NANOS && connection.stillOpen()) {
        return connection;
      }
      connection.close();
    }
  }

  private void release(HttpConnection connection) {
    if (connection.reusable()) {
      connection.markIdle();
      synchronized (idle) {
        if (idle.size() < maxIdle) {
          idle.addLast(connection);
          return;
        }
      }
    }
    connection.close();
  }

  private static byte[] head(ServiceRequest request) {
    StringBuilder head = new StringBuilder(256)
        .append("POST ").append(BASE_PATH).append(request.operation()).append(" HTTP/1.1\r\n")
        .append("Host: platform\r\n")
        .append("Content-Type: ").append(request.contentType()).append("\r\n")
        .append("Content-Length: ").append(request.body().length).append("\r\n");
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
